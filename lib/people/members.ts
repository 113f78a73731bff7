import { and, asc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { lockAccount } from '@/lib/accounts/account-locks';
import { assertAdminNow, assertAdminOf } from '@/lib/accounts/admin-access';
import { recordAudit } from '@/lib/audit';
import { revokeUserSessions } from '@/lib/auth/sessions';
import type { Actor } from '@/lib/auth/users';
import { transactWithChanges } from '@/lib/changes';
import type { Db, Executor, Tx } from '@/lib/db';
import { accountMembers, groupMembers, groups, invitations, platformTokens, users, type MemberRole } from '@/lib/db/schema';
import { ConflictError, NotFoundError } from '@/lib/errors';
import { parseInput } from '@/lib/iam/admin-guard';
import { formatTokenId } from '@/lib/tokens/format';
import { changeRoleSchema, memberRefSchema, type ChangeRoleInput, type MemberRefInput } from '@/lib/validations/people';

// The people of an account (PRODUCT.md §9): members and open invitations; changing a role and
// removing someone. The last admin of an account can be neither removed nor demoted: every such
// change first locks the account's row, so concurrent changes are taken one after the other and
// each counts the admins the previous one left.

export type UserStatus = 'Active' | 'Invited' | 'Invitation expired';

export interface AccountUserRow {
  /** `user:<id>` or `invitation:<id>`. */
  key: string;
  userId: string | null;
  invitationId: string | null;
  name: string | null;
  email: string;
  role: MemberRole;
  status: UserStatus;
  lastSignInAt: Date | null;
  /** For invitations: when the link stops (or stopped) working. */
  expiresAt: Date | null;
}

export async function listAccountUsers(db: Executor, actor: Actor, accountId: string): Promise<AccountUserRow[]> {
  assertAdminOf(actor, accountId);
  const members = await db
    .select({ userId: users.id, name: users.name, email: users.email, role: accountMembers.role, lastSignInAt: users.lastSignInAt })
    .from(accountMembers)
    .innerJoin(users, eq(users.id, accountMembers.userId))
    .where(eq(accountMembers.accountId, accountId));
  const open = await db
    .select({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      expiresAt: invitations.expiresAt,
      expired: sql<boolean>`${invitations.expiresAt} <= now()`,
    })
    .from(invitations)
    .where(and(eq(invitations.accountId, accountId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)));
  const rows: AccountUserRow[] = [
    ...members.map((m) => ({ key: `user:${m.userId}`, userId: m.userId, invitationId: null, name: m.name, email: m.email, role: m.role, status: 'Active' as const, lastSignInAt: m.lastSignInAt, expiresAt: null })),
    ...open.map((i) => ({
      key: `invitation:${i.id}`,
      userId: null,
      invitationId: i.id,
      name: null,
      email: i.email,
      role: i.role,
      status: i.expired ? ('Invitation expired' as const) : ('Invited' as const),
      lastSignInAt: null,
      expiresAt: i.expiresAt,
    })),
  ];
  return rows.sort((a, b) => a.email.localeCompare(b.email) || a.key.localeCompare(b.key));
}

/** Serialises changes of who is a member (or an admin) of the account, then checks the actor. */
async function lockAccountAsAdmin(tx: Executor, actor: Actor, accountId: string): Promise<void> {
  // The account row, then the actor's membership, then the member's: the order of every
  // transaction (lib/accounts/account-locks.ts), so that two admins acting on each other, or an
  // admin and a member acting on the member's tokens, wait for one another instead of deadlocking.
  await lockAccount(tx, accountId, 'no key update');
  await assertAdminNow(tx, actor, accountId);
}

async function lockMember(tx: Executor, accountId: string, userId: string) {
  const [member] = await tx
    .select({ userId: accountMembers.userId, role: accountMembers.role, email: users.email, name: users.name })
    .from(accountMembers)
    .innerJoin(users, eq(users.id, accountMembers.userId))
    .where(and(eq(accountMembers.accountId, accountId), eq(accountMembers.userId, userId)))
    .for('update', { of: accountMembers });
  if (!member) throw new NotFoundError('This person is not a member of the account (any more).');
  return member;
}

async function assertNotLastAdmin(tx: Executor, accountId: string, member: { role: MemberRole; email: string }, doing: string): Promise<void> {
  if (member.role !== 'admin') return;
  const admins = await tx
    .select({ userId: accountMembers.userId })
    .from(accountMembers)
    .where(and(eq(accountMembers.accountId, accountId), eq(accountMembers.role, 'admin')));
  if (admins.length <= 1) {
    throw new ConflictError(`${member.email} is the last admin of this account and cannot be ${doing}. Make someone else an account admin first.`);
  }
}

export async function changeRole(db: Db, actor: Actor, input: ChangeRoleInput): Promise<{ email: string; role: MemberRole }> {
  const { accountId, userId, role } = parseInput(changeRoleSchema, input);
  return transactWithChanges(db, async (tx, publish) => {
    await lockAccountAsAdmin(tx, actor, accountId);
    const member = await lockMember(tx, accountId, userId.toLowerCase());
    if (member.role === role) return { email: member.email, role };
    if (role === 'member') await assertNotLastAdmin(tx, accountId, member, 'demoted');
    await tx.update(accountMembers).set({ role }).where(and(eq(accountMembers.accountId, accountId), eq(accountMembers.userId, member.userId)));
    await recordAudit(tx, actor, { accountId, action: 'member.role_changed', targetName: member.email, details: { from: member.role, to: role } });
    publish({ kind: 'account', accountId });
    return { email: member.email, role };
  });
}

/** The tokens of a person in an account: those they own and those they generated (for service users too). */
const theirTokens = (accountId: string, userId: string) =>
  and(eq(platformTokens.accountId, accountId), or(eq(platformTokens.ownerUserId, userId), eq(platformTokens.createdById, userId)));

export interface TokenToDisable {
  tokenId: string;
  name: string;
}

/** What removing the person would disable, for the confirm dialog. */
export async function removalPreview(db: Executor, actor: Actor, input: MemberRefInput): Promise<{ email: string; tokens: TokenToDisable[] }> {
  const { accountId, userId } = parseInput(memberRefSchema, input);
  assertAdminOf(actor, accountId);
  const [member] = await db
    .select({ email: users.email })
    .from(accountMembers)
    .innerJoin(users, eq(users.id, accountMembers.userId))
    .where(and(eq(accountMembers.accountId, accountId), eq(accountMembers.userId, userId.toLowerCase())));
  if (!member) throw new NotFoundError('This person is not a member of the account (any more).');
  const tokens = await db
    .select({ publicId: platformTokens.publicId, name: platformTokens.name })
    .from(platformTokens)
    .where(and(theirTokens(accountId, userId.toLowerCase()), eq(platformTokens.status, 'active')))
    .orderBy(asc(platformTokens.name), asc(platformTokens.publicId));
  return { email: member.email, tokens: tokens.map((t) => ({ tokenId: formatTokenId(t.publicId), name: t.name })) };
}

export interface RemovedMember {
  email: string;
  /** Their tokens in the account that were active and are now disabled. */
  disabledTokenIds: string[];
  /** Whether this was their last account, so that their sessions were ended too. */
  signedOut: boolean;
}

/**
 * Removes a person from the account: their tokens in it are disabled, they leave its groups, and
 * from their next request on they see nothing of it. Someone left in no account is signed out.
 */
export async function removeMember(db: Db, actor: Actor, input: MemberRefInput): Promise<RemovedMember> {
  const { accountId, userId } = parseInput(memberRefSchema, input);
  return transactWithChanges(db, async (tx, publish) => {
    await lockAccountAsAdmin(tx, actor, accountId);
    const member = await lockMember(tx, accountId, userId.toLowerCase());
    await assertNotLastAdmin(tx, accountId, member, 'removed');
    const disabled = await tx
      .update(platformTokens)
      .set({ status: 'disabled' })
      .where(and(theirTokens(accountId, member.userId), eq(platformTokens.status, 'active')))
      .returning({ publicId: platformTokens.publicId });
    await leaveGroups(tx, accountId, member.userId);
    await tx.delete(accountMembers).where(and(eq(accountMembers.accountId, accountId), eq(accountMembers.userId, member.userId)));
    const [other] = await tx.select({ accountId: accountMembers.accountId }).from(accountMembers).where(eq(accountMembers.userId, member.userId)).limit(1);
    const signedOut = other === undefined;
    if (signedOut) await revokeUserSessions(tx, member.userId);
    const disabledTokenIds = disabled.map((t) => formatTokenId(t.publicId)).sort();
    await recordAudit(tx, actor, {
      accountId,
      action: 'member.removed',
      targetName: member.email,
      // tokenIds is where Activity's token filter looks (as for bulk actions).
      details: { role: member.role, tokenIds: disabledTokenIds, signedOut },
    });
    publish({ kind: 'account', accountId });
    for (const t of disabled) publish({ kind: 'token', publicId: t.publicId });
    return { email: member.email, disabledTokenIds, signedOut };
  });
}

async function leaveGroups(tx: Tx, accountId: string, userId: string): Promise<void> {
  const accountGroups = tx.select({ id: groups.id }).from(groups).where(eq(groups.accountId, accountId));
  await tx.delete(groupMembers).where(and(eq(groupMembers.userId, userId), inArray(groupMembers.groupId, accountGroups)));
}
