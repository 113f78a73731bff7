// Token rows inserted as token generation stores them, for tests that need tokens without the form.
import { and, eq } from 'drizzle-orm';
import type { Db } from '@/lib/db';
import { platformTokenEnvironments, platformTokens, serviceUsers, users, type TokenStatus } from '@/lib/db/schema';
import { composeToken, generateToken, PUBLIC_LENGTH, TOKEN_PREFIX } from '@/lib/tokens/format';

export interface TestTokenOptions {
  accountId?: string;
  /** Email of the user or service user the token acts as (default alice@example.com). */
  owner?: string;
  /** Email of the user who generated it (default: the owner, or admin for a service user). */
  creator?: string;
  /** Default: document:documents:read. */
  scopes?: readonly string[];
  /** The environments it applies to; without them it applies to the account. */
  environmentIds?: readonly string[];
  status?: TokenStatus;
  expiresAt?: Date | null;
  name?: string;
  createdAt?: Date;
  lastUsedAt?: Date | null;
}

export interface TestToken {
  /** The secret token, as a script would send it. */
  token: string;
  id: string;
  publicId: string;
  tokenId: string;
  name: string;
}

/** The user or, in that account, the service user with this email. */
export async function identityOf(db: Db, accountId: string, email: string): Promise<{ userId: string | null; serviceUserId: string | null }> {
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  if (user) return { userId: user.id, serviceUserId: null };
  const [serviceUser] = await db
    .select({ id: serviceUsers.id })
    .from(serviceUsers)
    .where(and(eq(serviceUsers.email, email), eq(serviceUsers.accountId, accountId)));
  if (serviceUser) return { userId: null, serviceUserId: serviceUser.id };
  throw new Error(`No user or service user ${email} in ${accountId}`);
}

export async function insertTestToken(db: Db, options: TestTokenOptions = {}): Promise<TestToken> {
  const accountId = options.accountId ?? 'acme';
  const ownerEmail = options.owner ?? 'alice@example.com';
  const owner = await identityOf(db, accountId, ownerEmail);
  const creator = await identityOf(db, accountId, options.creator ?? (owner.userId ? ownerEmail : 'admin@example.com'));
  const generated = generateToken();
  const name = options.name ?? `test token ${generated.publicId.slice(0, 6)}`;
  const environmentIds = options.environmentIds ?? [];
  const [row] = await db
    .insert(platformTokens)
    .values({
      accountId,
      publicId: generated.publicId,
      secretHash: generated.secretHash,
      name,
      ownerUserId: owner.userId,
      ownerServiceUserId: owner.serviceUserId,
      createdById: creator.userId,
      scopes: [...(options.scopes ?? ['document:documents:read'])],
      appliesToAccount: environmentIds.length === 0,
      status: options.status ?? 'active',
      expiresAt: options.expiresAt ?? null,
      createdAt: options.createdAt,
      lastUsedAt: options.lastUsedAt ?? null,
    })
    .returning({ id: platformTokens.id });
  if (environmentIds.length > 0) {
    await db.insert(platformTokenEnvironments).values(environmentIds.map((environmentId) => ({ tokenId: row!.id, environmentId })));
  }
  return { token: generated.token, id: row!.id, publicId: generated.publicId, tokenId: generated.tokenId, name };
}

/** One after the other, so that IDs follow the order given. */
export async function insertTestTokens(db: Db, options: TestTokenOptions[]): Promise<TestToken[]> {
  const tokens: TestToken[] = [];
  for (const one of options) tokens.push(await insertTestToken(db, one));
  return tokens;
}

/**
 * The same token ID with another secret whose checksum holds, as anyone can compute it: what
 * guessing a known token's secret sends.
 */
export function withWrongSecret(token: string): string {
  const publicId = token.slice(TOKEN_PREFIX.length + 1, TOKEN_PREFIX.length + 1 + PUBLIC_LENGTH);
  const otherRandom = generateToken().token.slice(TOKEN_PREFIX.length + PUBLIC_LENGTH + 2, -6);
  return composeToken(publicId, otherRandom);
}
