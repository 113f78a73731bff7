import { and, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { assertAdminNow } from '@/lib/accounts/admin-access';
import { recordAudit, type AuditActor } from '@/lib/audit';
import { hashOneTimeCode, isOneTimeCode, newOneTimeCode } from '@/lib/auth/one-time-codes';
import { hashPassword } from '@/lib/auth/password';
import { assertNewPasswordAllowed } from '@/lib/auth/password-rules';
import type { Actor } from '@/lib/auth/users';
import { transactWithChanges } from '@/lib/changes';
import type { Db, Executor, Tx } from '@/lib/db';
import { isUniqueViolation } from '@/lib/db/sql-state';
import { accountMembers, accounts, groupMembers, groups, invitations, users, type Invitation, type MemberRole } from '@/lib/db/schema';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';
import { parseInput } from '@/lib/iam/admin-guard';
import {
  acceptInvitationSchema,
  invitationRefSchema,
  inviteUserSchema,
  joinWithInvitationSchema,
  ROLE_LABELS,
  type AcceptInvitationInput,
  type InvitationRefInput,
  type InviteUserInput,
  type JoinWithInvitationInput,
} from '@/lib/validations/people';
import { storePortalEmail, type Delivery } from './portal-email';

// Invitations (PRODUCT.md §9): an admin invites an email with a role and groups; the link is shown
// once and emailed; it works once, for 7 days. Only the SHA-256 of its code is stored.

export const INVITATION_DAYS = 7;
const LIFETIME = sql.raw(`interval '${INVITATION_DAYS} days'`);

export interface SentInvitation {
  invitationId: string;
  email: string;
  /** The link, for the admin to copy: shown once, never stored. */
  link: string;
  expiresAt: Date;
  delivery: Delivery;
}

const invitationLink = (origin: string, code: string) => `${origin}/invitations/${code}`;

function invitationEmailBody(accountName: string, inviter: string, role: MemberRole, expiresAt: Date) {
  return (link: string) =>
    [
      `${inviter} invited you to join ${accountName} on the platform tokens portal as ${ROLE_LABELS[role].toLowerCase()}.`,
      '',
      `Accept the invitation: ${link}`,
      '',
      `The link works once and expires on ${expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    ].join('\n');
}

/** Creates the invitation row and its email, inside the caller's transaction. */
export async function insertInvitation(
  tx: Tx,
  db: Db,
  actor: AuditActor,
  invite: { accountId: string; accountName: string; email: string; role: MemberRole; groupIds: string[]; origin: string },
): Promise<SentInvitation> {
  const { code, codeHash } = newOneTimeCode();
  const [row] = await tx
    .insert(invitations)
    .values({
      accountId: invite.accountId,
      email: invite.email,
      role: invite.role,
      groupIds: invite.groupIds,
      codeHash,
      invitedById: actor.userId,
      expiresAt: sql`now() + ${LIFETIME}`,
    })
    .returning({ id: invitations.id, expiresAt: invitations.expiresAt });
  const link = invitationLink(invite.origin, code);
  const email = await storePortalEmail(tx, {
    ownerUserId: actor.userId,
    to: invite.email,
    subject: `You are invited to ${invite.accountName}`,
    body: invitationEmailBody(invite.accountName, actor.email, invite.role, row!.expiresAt),
    link,
  });
  return { invitationId: row!.id, email: invite.email, link, expiresAt: row!.expiresAt, delivery: email.delivery(db) };
}

async function accountNameOf(tx: Executor, accountId: string): Promise<string> {
  const [row] = await tx.select({ name: accounts.name }).from(accounts).where(eq(accounts.id, accountId));
  if (!row) throw new NotFoundError('This account does not exist.');
  return row.name;
}

const pendingInvitation = (email: string) => ValidationError.field('email', `${email} has a pending invitation. Resend it from the list instead.`);

export async function inviteUser(db: Db, actor: Actor, input: InviteUserInput, origin: string): Promise<SentInvitation> {
  const { accountId, email, role, groupIds } = parseInput(inviteUserSchema, input);
  return db.transaction(async (tx) => {
    await assertAdminNow(tx, actor, accountId);
    const accountName = await accountNameOf(tx, accountId);
    const [member] = await tx
      .select({ userId: accountMembers.userId })
      .from(accountMembers)
      .innerJoin(users, eq(users.id, accountMembers.userId))
      .where(and(eq(accountMembers.accountId, accountId), eq(users.email, email)));
    if (member) throw ValidationError.field('email', `${email} is already a member of this account.`);
    const wanted = [...new Set(groupIds.map((g) => g.toLowerCase()))];
    if (wanted.length > 0) {
      const found = await tx
        .select({ id: groups.id })
        .from(groups)
        .where(and(eq(groups.accountId, accountId), inArray(groups.id, wanted)));
      if (found.length !== wanted.length) throw ValidationError.field('groupIds', 'Choose groups of this account.');
    }
    // An open invitation: a pending one is resent instead; an expired one makes way for this one.
    const [open] = await tx
      .select({ id: invitations.id, pending: sql<boolean>`${invitations.expiresAt} > now()` })
      .from(invitations)
      .where(and(eq(invitations.accountId, accountId), eq(invitations.email, email), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
      .for('update');
    if (open?.pending) throw pendingInvitation(email);
    if (open) await tx.update(invitations).set({ revokedAt: sql`now()` }).where(eq(invitations.id, open.id));
    const sent = await insertInvitation(tx, db, actor, { accountId, accountName, email, role, groupIds: wanted, origin }).catch((error: unknown) => {
      // A concurrent invitation of the same email committed first (one open invitation per email and account).
      throw isUniqueViolation(error) ? pendingInvitation(email) : error;
    });
    await recordAudit(tx, actor, { accountId, action: 'invitation.created', targetName: email, details: { role, groupIds: wanted } });
    return sent;
  });
}

async function lockOpenInvitation(tx: Executor, accountId: string, invitationId: string): Promise<Invitation> {
  const [row] = await tx
    .select()
    .from(invitations)
    .where(and(eq(invitations.id, invitationId), eq(invitations.accountId, accountId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
    .for('update');
  if (!row) throw new NotFoundError('This invitation does not exist, or it was accepted or revoked meanwhile.');
  return row;
}

/** A new link (the old one stops working) valid for another 7 days, shown once and emailed. */
export async function resendInvitation(db: Db, actor: Actor, input: InvitationRefInput, origin: string): Promise<SentInvitation> {
  const { accountId, invitationId } = parseInput(invitationRefSchema, input);
  return db.transaction(async (tx) => {
    await assertAdminNow(tx, actor, accountId);
    const old = await lockOpenInvitation(tx, accountId, invitationId.toLowerCase());
    await tx.update(invitations).set({ revokedAt: sql`now()` }).where(eq(invitations.id, old.id));
    const sent = await insertInvitation(tx, db, actor, {
      accountId,
      accountName: await accountNameOf(tx, accountId),
      email: old.email,
      role: old.role,
      groupIds: old.groupIds,
      origin,
    });
    await recordAudit(tx, actor, { accountId, action: 'invitation.resent', targetName: old.email, details: { role: old.role } });
    return sent;
  });
}

export async function revokeInvitation(db: Db, actor: Actor, input: InvitationRefInput): Promise<{ email: string }> {
  const { accountId, invitationId } = parseInput(invitationRefSchema, input);
  return db.transaction(async (tx) => {
    await assertAdminNow(tx, actor, accountId);
    const invitation = await lockOpenInvitation(tx, accountId, invitationId.toLowerCase());
    await tx.update(invitations).set({ revokedAt: sql`now()` }).where(eq(invitations.id, invitation.id));
    await recordAudit(tx, actor, { accountId, action: 'invitation.revoked', targetName: invitation.email, details: { role: invitation.role } });
    return { email: invitation.email };
  });
}

// ---- Following the link ---------------------------------------------------------------------

export type InvitationState = 'pending' | 'accepted' | 'revoked' | 'expired' | 'unknown';

export interface InvitationView {
  state: InvitationState;
  accountName?: string;
  email?: string;
  role?: MemberRole;
  /** Whether someone with that email can sign in already (then they sign in and join). */
  personExists?: boolean;
}

export const INVITATION_MESSAGES: Record<Exclude<InvitationState, 'pending'>, string> = {
  accepted: 'This invitation has been used already. Sign in to continue.',
  revoked: 'This invitation was revoked. Ask an admin of the account for a new one.',
  expired: 'This invitation has expired. Ask an admin of the account to send it again.',
  unknown: 'This invitation link is not valid. Check that you copied all of it.',
};

function stateOf(row: { acceptedAt: Date | null; revokedAt: Date | null; expired: boolean }): InvitationState {
  if (row.acceptedAt) return 'accepted';
  if (row.revokedAt) return 'revoked';
  return row.expired ? 'expired' : 'pending';
}

const invitationColumns = {
  id: invitations.id,
  accountId: invitations.accountId,
  email: invitations.email,
  role: invitations.role,
  groupIds: invitations.groupIds,
  acceptedAt: invitations.acceptedAt,
  revokedAt: invitations.revokedAt,
  expired: sql<boolean>`${invitations.expiresAt} <= now()`,
  accountName: accounts.name,
};

/** What the invitation page shows for a code. */
export async function viewInvitation(db: Executor, code: string): Promise<InvitationView> {
  if (!isOneTimeCode(code)) return { state: 'unknown' };
  const [row] = await db
    .select(invitationColumns)
    .from(invitations)
    .innerJoin(accounts, eq(accounts.id, invitations.accountId))
    .where(eq(invitations.codeHash, hashOneTimeCode(code)));
  if (!row) return { state: 'unknown' };
  const state = stateOf(row);
  if (state !== 'pending') return { state };
  const [person] = await db.select({ id: users.id }).from(users).where(eq(users.email, row.email));
  return { state, accountName: row.accountName, email: row.email, role: row.role, personExists: person !== undefined };
}

async function lockPendingByCode(tx: Executor, code: string) {
  const [row] = isOneTimeCode(code)
    ? await tx
        .select(invitationColumns)
        .from(invitations)
        .innerJoin(accounts, eq(accounts.id, invitations.accountId))
        .where(eq(invitations.codeHash, hashOneTimeCode(code)))
        .for('update', { of: invitations })
    : [];
  const state = row ? stateOf(row) : 'unknown';
  if (!row || state !== 'pending') throw ValidationError.field('code', INVITATION_MESSAGES[state as Exclude<InvitationState, 'pending'>]);
  return row;
}

type PendingRow = Awaited<ReturnType<typeof lockPendingByCode>>;

/** Makes the person a member as the invitation says, and marks it used. */
async function join(tx: Tx, invitation: PendingRow, person: { userId: string; email: string }): Promise<{ accountId: string }> {
  await tx
    .insert(accountMembers)
    .values({ accountId: invitation.accountId, userId: person.userId, role: invitation.role })
    .onConflictDoNothing();
  if (invitation.groupIds.length > 0) {
    const still = await tx
      .select({ id: groups.id })
      .from(groups)
      .where(and(eq(groups.accountId, invitation.accountId), inArray(groups.id, invitation.groupIds)));
    if (still.length > 0) {
      await tx
        .insert(groupMembers)
        .values(still.map((g) => ({ groupId: g.id, userId: person.userId })))
        .onConflictDoNothing();
    }
  }
  await tx.update(invitations).set({ acceptedAt: sql`now()`, acceptedById: person.userId }).where(eq(invitations.id, invitation.id));
  await recordAudit(tx, person, { accountId: invitation.accountId, action: 'invitation.accepted', targetName: invitation.email, details: { role: invitation.role } });
  return { accountId: invitation.accountId };
}

/** A new person accepts: they choose a name and a password; the email is the invitation's. */
export async function acceptInvitationAsNewPerson(db: Db, input: AcceptInvitationInput): Promise<{ email: string; accountId: string }> {
  const { code, name, password } = parseInput(acceptInvitationSchema, input);
  const peek = await viewInvitation(db, code);
  if (peek.state !== 'pending') throw ValidationError.field('code', INVITATION_MESSAGES[peek.state]);
  assertNewPasswordAllowed(password, peek.email!);
  const passwordHash = await hashPassword(password);
  return transactWithChanges(db, async (tx, publish) => {
    const invitation = await lockPendingByCode(tx, code);
    const [user] = await tx
      .insert(users)
      // Whoever holds the link (its admin too) may choose the password: it is unproven (see users.passwordUnproven).
      .values({ email: invitation.email, name, passwordHash, passwordUnproven: true })
      .onConflictDoNothing()
      .returning({ userId: users.id, email: users.email });
    if (!user) throw new ConflictError(`Someone with the email ${invitation.email} can sign in already: sign in, then open this link again to join.`);
    const joined = await join(tx, invitation, user);
    publish({ kind: 'account', accountId: joined.accountId });
    return { email: user.email, accountId: joined.accountId };
  });
}

/** Someone signed in accepts an invitation made out to their email. */
export async function joinWithInvitation(db: Db, actor: Actor, input: JoinWithInvitationInput): Promise<{ accountId: string }> {
  const { code } = parseInput(joinWithInvitationSchema, input);
  return transactWithChanges(db, async (tx, publish) => {
    const invitation = await lockPendingByCode(tx, code);
    if (invitation.email !== actor.email) {
      throw new ForbiddenError(`This invitation is for ${invitation.email}. Sign in as that person to accept it.`);
    }
    const joined = await join(tx, invitation, actor);
    publish({ kind: 'account', accountId: joined.accountId });
    return joined;
  });
}

/**
 * Single sign-on of a person the portal does not know yet: their pending invitations are accepted
 * (each as its own audit event) and they become a person without a password. Null when there is
 * no pending invitation for the email: then they may not sign in.
 */
export async function acceptInvitationsThroughSso(db: Db, sso: { email: string; name: string }): Promise<{ userId: string } | null> {
  return transactWithChanges(db, async (tx, publish) => {
    const pending = await tx
      .select(invitationColumns)
      .from(invitations)
      .innerJoin(accounts, eq(accounts.id, invitations.accountId))
      .where(and(eq(invitations.email, sso.email), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, sql`now()`)))
      .for('update', { of: invitations });
    if (pending.length === 0) return null;
    const [user] = await tx
      .insert(users)
      .values({ email: sso.email, name: sso.name, passwordHash: null })
      .onConflictDoNothing()
      .returning({ userId: users.id, email: users.email });
    if (!user) return null;
    for (const invitation of pending) {
      await join(tx, invitation, user);
      publish({ kind: 'account', accountId: invitation.accountId });
    }
    return { userId: user.userId };
  });
}
