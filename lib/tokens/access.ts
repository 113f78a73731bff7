import { and, eq, or, sql, type SQL } from 'drizzle-orm';
import type { AuditActor } from '@/lib/audit';
import type { Executor } from '@/lib/db';
import { accountMembers, accounts, platformTokens, type PlatformToken } from '@/lib/db/schema';
import { NotFoundError } from '@/lib/errors';

/** The person acting on tokens: enough to scope queries and to write audit events. */
export type TokenActor = AuditActor;

/**
 * Rule 8: a token's creator, its owner and the admins of its account may see and act on it.
 * Kept as one SQL condition so that every query about a single token is scoped the same way.
 */
export function tokenVisibleTo(userId: string): SQL {
  return or(
    eq(platformTokens.createdById, userId),
    eq(platformTokens.ownerUserId, userId),
    sql`exists (select 1 from ${accountMembers} where ${accountMembers.accountId} = ${platformTokens.accountId} and ${accountMembers.userId} = ${userId} and ${accountMembers.role} = 'admin')`,
  )!;
}

export function tokenNotFound(tokenId: string): NotFoundError {
  return new NotFoundError(`Token ${tokenId} was not found. It may have been deleted.`);
}

export interface ActionableToken {
  token: PlatformToken;
  accountName: string;
  allowTokenManagement: boolean;
  /** Whether the actor is an admin of the token's account. */
  actorIsAdmin: boolean;
}

/**
 * Loads a token the actor may act on, locking its row for the rest of the transaction. A token
 * the actor may not touch raises the same "not found" as one that does not exist.
 */
export async function lockTokenForActor(tx: Executor, actor: TokenActor, tokenId: string): Promise<ActionableToken> {
  const publicId = tokenId.slice(tokenId.indexOf('.') + 1);
  const [token] = await tx
    .select()
    .from(platformTokens)
    .where(and(eq(platformTokens.publicId, publicId), tokenVisibleTo(actor.userId)))
    .for('update');
  if (!token) throw tokenNotFound(tokenId);
  const [account] = await tx
    .select({
      name: accounts.name,
      allowTokenManagement: accounts.allowTokenManagement,
      role: accountMembers.role,
    })
    .from(accounts)
    .leftJoin(accountMembers, and(eq(accountMembers.accountId, accounts.id), eq(accountMembers.userId, actor.userId)))
    .where(eq(accounts.id, token.accountId));
  if (!account) throw tokenNotFound(tokenId);
  return {
    token,
    accountName: account.name,
    allowTokenManagement: account.allowTokenManagement,
    actorIsAdmin: account.role === 'admin',
  };
}
