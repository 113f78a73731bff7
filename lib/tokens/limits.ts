import { and, count, eq, gt, isNull, or, sql } from 'drizzle-orm';
import { lockAccount, lockMembership } from '@/lib/accounts/account-locks';
import type { Executor, Tx } from '@/lib/db';
import { platformTokens, type MemberRole } from '@/lib/db/schema';
import { ConflictError, ValidationError } from '@/lib/errors';

/** Rule 2: at most this many tokens per user per account. */
export const TOKEN_LIMIT = 10;

/**
 * The tokens that count against a user's limit in an account at `now`: those they generated
 * there, disabled and expired ones included; deleted ones are gone, and one superseded by a
 * rotation (`rotated_at` set) counts until its overlap ends (its expiry, at most 7 days after the
 * rotation; one without an expiry, which no change may leave it with, would count for good), so
 * that rotating never yields more working tokens than the limit.
 */
export function countedAgainstLimit(accountId: string, userId: string, now: Date) {
  return and(eq(platformTokens.accountId, accountId), generatedAndCounting(userId, now));
}

function generatedAndCounting(userId: string, now: Date) {
  return and(
    eq(platformTokens.createdById, userId),
    or(isNull(platformTokens.rotatedAt), isNull(platformTokens.expiresAt), gt(platformTokens.expiresAt, now)),
  );
}

export function limitMessage(accountName: string): string {
  return `You already have ${TOKEN_LIMIT} platform tokens in ${accountName}, the most allowed. Delete one to generate another.`;
}

export function managementDeniedMessage(accountName: string): string {
  return `An admin of ${accountName} has turned off "Allow to manage platform tokens", so no tokens can be generated, duplicated or rotated there.`;
}

export interface GenerationGrant {
  accountId: string;
  accountName: string;
  role: MemberRole;
  /** The account's "Maximum lifetime" in days, null for none. */
  maxLifetimeDays: number | null;
}

/**
 * The first step of generating a token for `userId` in the account, inside the caller's
 * transaction: takes a share lock on the account (the admin toggle and the token policy cannot
 * change underneath), then locks the user's membership row (concurrent generations by the same
 * user queue here until this transaction ends), in the order of lib/accounts/account-locks.ts, and
 * checks membership and "Allow to manage platform tokens".
 */
export async function lockForGeneration(tx: Tx, accountId: string, userId: string, field = 'accountId'): Promise<GenerationGrant> {
  const account = await lockAccount(tx, accountId, 'share');
  const member = await lockMembership(tx, accountId, userId, 'update');
  if (!account || !member) throw ValidationError.field(field, 'Choose an account you are a member of');
  if (!account.allowTokenManagement) throw ValidationError.field(field, managementDeniedMessage(account.name));
  return { accountId, accountName: account.name, role: member.role, maxLifetimeDays: account.maxTokenLifetimeDays };
}

/**
 * Refuses a new token once the user holds the limit at `now`. Call it after lockForGeneration
 * (or authorizeTokenAction for a rotation) in the same transaction, so the count cannot change
 * before the insert. `excludingTokenId` is a token the same transaction stops at once (a rotation
 * with "Immediately"), which no longer counts once it commits; `refusal` words the refusal.
 */
export async function assertBelowLimit(
  tx: Tx,
  grant: GenerationGrant,
  userId: string,
  now: Date,
  options: { excludingTokenId?: string; refusal?: () => Error } = {},
): Promise<void> {
  const excluding = options.excludingTokenId ? sql` and ${platformTokens.id} <> ${options.excludingTokenId}` : sql``;
  const [row] = await tx
    .select({ n: count() })
    .from(platformTokens)
    .where(sql`${countedAgainstLimit(grant.accountId, userId, now)}${excluding}`);
  if ((row?.n ?? 0) >= TOKEN_LIMIT) throw options.refusal?.() ?? new ConflictError(limitMessage(grant.accountName));
}

/** How many tokens count against the user's limit at `now`, per account the user is a member of. */
export async function tokenCountsByAccount(db: Executor, userId: string, now: Date): Promise<Map<string, number>> {
  const rows = await db
    .select({ accountId: platformTokens.accountId, n: count() })
    .from(platformTokens)
    .where(generatedAndCounting(userId, now))
    .groupBy(platformTokens.accountId);
  return new Map(rows.map((r) => [r.accountId, r.n]));
}
