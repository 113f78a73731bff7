import { and, eq, or, sql, type SQL } from 'drizzle-orm';
import type { AuditActor } from '@/lib/audit';
import { lockAccount, lockMembership } from '@/lib/accounts/account-locks';
import { assertAdminNow } from '@/lib/accounts/admin-access';
import type { Executor, Tx } from '@/lib/db';
import {
  accountMembers,
  groupMembers,
  groups,
  policies,
  platformTokens,
  policyBindings,
  serviceUsers,
  type MemberRole,
  type PlatformToken,
} from '@/lib/db/schema';
import { ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';
import { canUseServiceUser } from '@/lib/iam/effective-permissions';
import type { BulkTokenAction } from '@/lib/validations/admin-tokens';
import { formatTokenId } from './format';
import { managementDeniedMessage } from './limits';

// Rule 8 in one place: who may do what to a token, decided now, inside the transaction that makes
// the change. Every token operation (the row actions, duplicating and its prefilled form, rotating,
// the admin bulk actions) asks here.
//
// Locks, always in this order so that token operations never wait on each other, or on a change
// of members, in a circle: the account row (the "Allow to manage platform tokens" switch) and the
// actor's membership row (a removal or demotion waits for the change, or the change sees it), in
// the order of lib/accounts/account-locks.ts, then the owning service user (its deletion cascades
// to the token), the token row, then the account's groups and the policies bound to the actor
// (what decides `iam:service-users:use`: every group membership and binding change locks its
// group, every policy edit its policy).

/** The person acting on tokens: enough to scope queries and to write audit events. */
export type TokenActor = AuditActor;

export type TokenAction = 'disable' | 'enable' | 'delete' | 'change-expiration' | 'rotate' | 'duplicate' | 'prefill';

interface ActionRule {
  /** The lock on the token row: none for a read, share when the token is only copied. */
  tokenLock: 'update' | 'share' | null;
  /**
   * The lock on the actor's membership row: rotating generates a token, and concurrent
   * generations by one person queue on that row (lib/tokens/limits.ts).
   */
  memberLock: 'update' | 'share' | null;
  /** Hands out a new secret acting as the token's owner: only for its creator, or its owner. */
  issuesSecret: boolean;
  /** Puts a service user's token to use again: needs `iam:service-users:use` for it now. */
  usesServiceUser: 'always' | 'unless-admin' | 'never';
  /** Refused while the account's "Allow to manage platform tokens" is off (rule 7). */
  needsManagement: 'always' | 'unless-admin' | 'never';
}

// Admins may disable, enable and delete anyone's token in the account. Enabling a service user's
// token hands out no secret and the token still acts only within the service user's own policies
// (rule 3), so an admin may enable it without the right to use the service user; everyone else
// needs that right now. Rotating and duplicating hand out a secret, so nobody but the token's
// creator (or owner) may, and only while they may use its service user.
const RULES: Record<TokenAction, ActionRule> = {
  disable: { tokenLock: 'update', memberLock: 'share', issuesSecret: false, usesServiceUser: 'never', needsManagement: 'never' },
  delete: { tokenLock: 'update', memberLock: 'share', issuesSecret: false, usesServiceUser: 'never', needsManagement: 'never' },
  enable: {
    tokenLock: 'update',
    memberLock: 'share',
    issuesSecret: false,
    usesServiceUser: 'unless-admin',
    needsManagement: 'unless-admin',
  },
  // A later expiration keeps a token working longer, as enabling does: the same people may.
  'change-expiration': {
    tokenLock: 'update',
    memberLock: 'share',
    issuesSecret: false,
    usesServiceUser: 'unless-admin',
    needsManagement: 'unless-admin',
  },
  rotate: { tokenLock: 'update', memberLock: 'update', issuesSecret: true, usesServiceUser: 'always', needsManagement: 'always' },
  duplicate: { tokenLock: 'share', memberLock: 'share', issuesSecret: true, usesServiceUser: 'always', needsManagement: 'always' },
  // The form of a duplicate, before anything is generated: the same people as `duplicate`; the
  // form itself shows when token management is off, and submitting it checks again.
  prefill: { tokenLock: null, memberLock: null, issuesSecret: true, usesServiceUser: 'always', needsManagement: 'never' },
};

const VERB: Record<TokenAction, string> = {
  disable: 'disable',
  delete: 'delete',
  enable: 'enable',
  'change-expiration': 'change the expiration of',
  rotate: 'rotate',
  duplicate: 'duplicate',
  prefill: 'duplicate',
};

const publicIdOf = (tokenId: string) => tokenId.slice(tokenId.indexOf('.') + 1);

/** The account a token was generated in, which never changes; undefined for no such token. */
export async function accountOfToken(db: Executor, tokenId: string): Promise<string | undefined> {
  const [row] = await db.select({ accountId: platformTokens.accountId }).from(platformTokens).where(eq(platformTokens.publicId, publicIdOf(tokenId)));
  return row?.accountId;
}

export function tokenNotFound(tokenId: string): NotFoundError {
  return new NotFoundError(`Token ${tokenId} was not found. It may have been deleted.`);
}

/**
 * The tokens a user sees on My platform tokens: those they generated or that act as them, in
 * accounts they are still a member of.
 */
export function listedAsMine(userId: string): SQL {
  return and(
    or(eq(platformTokens.createdById, userId), eq(platformTokens.ownerUserId, userId)),
    sql`exists (select 1 from ${accountMembers} where ${accountMembers.accountId} = ${platformTokens.accountId} and ${accountMembers.userId} = ${userId})`,
  )!;
}

/**
 * Who may see one token (rule 8): its creator or owner while a member of its account, or an
 * admin of that account. For reads; a change asks authorizeTokenAction.
 */
export function tokenVisibleTo(userId: string): SQL {
  return or(
    listedAsMine(userId),
    sql`exists (select 1 from ${accountMembers} where ${accountMembers.accountId} = ${platformTokens.accountId} and ${accountMembers.userId} = ${userId} and ${accountMembers.role} = 'admin')`,
  )!;
}

export interface ActionableToken {
  token: PlatformToken;
  accountName: string;
  /** The actor's role in the token's account, now. */
  role: MemberRole;
  /** The account's "Maximum lifetime" in days, null for none. */
  maxLifetimeDays: number | null;
}

/**
 * Whether the user may use the service user (rule 6) now, with the rows that decide it locked
 * until the transaction ends, so that a concurrent removal either waits for the change or is
 * seen by it. `lock` false only for reads outside a change.
 */
export async function mayUseServiceUserNow(
  tx: Executor,
  accountId: string,
  userId: string,
  serviceUserEmail: string,
  lock = true,
): Promise<boolean> {
  if (lock) {
    // Every group: joining a group with a DENY takes a right away just as leaving one does.
    await tx.select({ id: groups.id }).from(groups).where(eq(groups.accountId, accountId)).for('share');
    await tx
      .select({ id: policies.id })
      .from(policies)
      .innerJoin(policyBindings, eq(policyBindings.policyId, policies.id))
      .innerJoin(groupMembers, and(eq(groupMembers.groupId, policyBindings.groupId), eq(groupMembers.userId, userId)))
      .where(eq(policies.accountId, accountId))
      .for('share', { of: policies });
  }
  // A statement of its own, after the locks: it sees whatever committed while they were awaited.
  return (await canUseServiceUser(tx, accountId, userId, serviceUserEmail)).allowed;
}

/**
 * The token, if the actor may take the action on it now; otherwise the refusal is thrown. A
 * token the actor may not see at all (not its creator, owner or an admin of its account, or no
 * longer a member there) raises the same "not found" as one that does not exist. Locks are
 * taken as RULES says and held for the rest of the transaction.
 */
export async function authorizeTokenAction(
  tx: Executor,
  actor: TokenActor,
  tokenId: string,
  action: TokenAction,
): Promise<ActionableToken> {
  const rule = RULES[action];
  const publicId = publicIdOf(tokenId);
  // Account and owner never change, so they can be read before any lock is taken.
  const [placed] = await tx
    .select({ accountId: platformTokens.accountId, ownerServiceUserId: platformTokens.ownerServiceUserId })
    .from(platformTokens)
    .where(eq(platformTokens.publicId, publicId));
  if (!placed) throw tokenNotFound(tokenId);

  const account = await lockAccount(tx, placed.accountId, rule.memberLock ? 'share' : null);
  if (!account) throw tokenNotFound(tokenId);
  const member = await lockMembership(tx, placed.accountId, actor.userId, rule.memberLock);
  if (!member) throw tokenNotFound(tokenId);
  let serviceUser: { email: string } | undefined;
  if (placed.ownerServiceUserId) {
    const serviceUserQuery = tx.select({ email: serviceUsers.email }).from(serviceUsers).where(eq(serviceUsers.id, placed.ownerServiceUserId));
    [serviceUser] = await (rule.tokenLock ? serviceUserQuery.for('key share') : serviceUserQuery);
    if (!serviceUser) throw tokenNotFound(tokenId);
  }
  const tokenQuery = tx.select().from(platformTokens).where(eq(platformTokens.publicId, publicId));
  const [token] = await (rule.tokenLock ? tokenQuery.for(rule.tokenLock) : tokenQuery);
  if (!token) throw tokenNotFound(tokenId);

  const isAdmin = member.role === 'admin';
  const isCreatorOrOwner = token.createdById === actor.userId || token.ownerUserId === actor.userId;
  if (!isCreatorOrOwner && !isAdmin) throw tokenNotFound(tokenId);
  const id = formatTokenId(token.publicId);

  if (rule.issuesSecret && !isCreatorOrOwner) {
    throw new ForbiddenError(
      `Only the person who generated ${id} can ${VERB[action]} it: that hands out a new secret acting as its owner. As an admin you can disable or delete it.`,
    );
  }
  if (!account.allowTokenManagement && (rule.needsManagement === 'always' || (rule.needsManagement === 'unless-admin' && !isAdmin))) {
    if (rule.needsManagement === 'unless-admin') {
      throw new ForbiddenError(
        `An admin of ${account.name} has turned off "Allow to manage platform tokens", so only an admin can ${VERB[action]} tokens there.`,
      );
    }
    throw ValidationError.field('tokenId', managementDeniedMessage(account.name));
  }
  if (serviceUser && (rule.usesServiceUser === 'always' || (rule.usesServiceUser === 'unless-admin' && !isAdmin))) {
    if (!(await mayUseServiceUserNow(tx, token.accountId, actor.userId, serviceUser.email, rule.tokenLock !== null))) {
      throw new ForbiddenError(
        `You may not use ${serviceUser.email} (no policy grants you iam:service-users:use for it), so you cannot ${VERB[action]} its token ${id}.`,
      );
    }
  }
  return { token, accountName: account.name, role: member.role, maxLifetimeDays: account.maxTokenLifetimeDays };
}

/**
 * An admin's action on many tokens of the account at once (disable, enable, delete): only what
 * RULES lets an admin do to anyone's token, with the admin's membership locked (shared) until
 * the change commits, so that a demotion cannot slip in between.
 */
export async function authorizeBulkTokenAction(tx: Tx, actor: TokenActor, accountId: string, action: BulkTokenAction): Promise<void> {
  const rule = RULES[action];
  // Only what an admin may do to each of the tokens one by one, whoever made them.
  if (rule.issuesSecret || rule.usesServiceUser === 'always' || rule.needsManagement === 'always') {
    throw new ForbiddenError(`Tokens cannot be changed that way in bulk.`);
  }
  await assertAdminNow(tx, actor, accountId);
}
