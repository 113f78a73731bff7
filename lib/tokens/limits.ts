import { and, count, eq, isNull, sql } from 'drizzle-orm';
import type { Executor, Tx } from '@/lib/db';
import { accountMembers, accounts, platformTokens, type MemberRole } from '@/lib/db/schema';
import { ConflictError, ValidationError } from '@/lib/errors';

/** Rule 2: at most this many tokens per user per account. */
export const TOKEN_LIMIT = 10;

/**
 * The tokens that count against a user's limit in an account: those they generated there,
 * disabled and expired ones included; deleted ones are gone, and ones superseded by a rotation
 * (`rotated_at` set) no longer count.
 */
export function countedAgainstLimit(accountId: string, userId: string) {
  return and(eq(platformTokens.accountId, accountId), eq(platformTokens.createdById, userId), isNull(platformTokens.rotatedAt));
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
}

/**
 * The first step of generating a token for `userId` in the account, inside the caller's
 * transaction: locks the user's membership row (concurrent generations by the same user queue
 * here until this transaction ends), takes a share lock on the account (the admin toggle cannot
 * change underneath), and checks membership and "Allow to manage platform tokens".
 */
export async function lockForGeneration(tx: Tx, accountId: string, userId: string, field = 'accountId'): Promise<GenerationGrant> {
  const [member] = await tx
    .select({ role: accountMembers.role })
    .from(accountMembers)
    .where(and(eq(accountMembers.accountId, accountId), eq(accountMembers.userId, userId)))
    .for('update');
  if (!member) throw ValidationError.field(field, 'Choose an account you are a member of');
  const [account] = await tx
    .select({ name: accounts.name, allow: accounts.allowTokenManagement })
    .from(accounts)
    .where(eq(accounts.id, accountId))
    .for('share');
  if (!account) throw ValidationError.field(field, 'Choose an account you are a member of');
  if (!account.allow) throw ValidationError.field(field, managementDeniedMessage(account.name));
  return { accountId, accountName: account.name, role: member.role };
}

/**
 * Refuses a new token once the user holds the limit. Call it after lockForGeneration in the same
 * transaction, so the count cannot change before the insert. `excludingTokenId` is a token the
 * same transaction supersedes (a rotation), which stops counting once it commits.
 */
export async function assertBelowLimit(
  tx: Tx,
  grant: GenerationGrant,
  userId: string,
  excludingTokenId?: string,
): Promise<void> {
  const excluding = excludingTokenId ? sql` and ${platformTokens.id} <> ${excludingTokenId}` : sql``;
  const [row] = await tx
    .select({ n: count() })
    .from(platformTokens)
    .where(sql`${countedAgainstLimit(grant.accountId, userId)}${excluding}`);
  if ((row?.n ?? 0) >= TOKEN_LIMIT) throw new ConflictError(limitMessage(grant.accountName));
}

/** How many tokens count against the user's limit, per account the user is a member of. */
export async function tokenCountsByAccount(db: Executor, userId: string): Promise<Map<string, number>> {
  const rows = await db
    .select({ accountId: platformTokens.accountId, n: count() })
    .from(platformTokens)
    .where(and(eq(platformTokens.createdById, userId), isNull(platformTokens.rotatedAt)))
    .groupBy(platformTokens.accountId);
  return new Map(rows.map((r) => [r.accountId, r.n]));
}
