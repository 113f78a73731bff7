import { and, eq } from 'drizzle-orm';
import { onChanges, transactWithChanges } from '@/lib/changes';
import type { Db } from '@/lib/db';
import {
  groupMembers,
  groups,
  platformTokenEnvironments,
  platformTokens,
  policies,
  policyBindings,
  serviceUsers,
  users,
  type TokenStatus,
} from '@/lib/db/schema';
import { generateToken } from '@/lib/tokens/format';
import type { FailedVerifications } from './failed-verifications';
import { createPlatformHandler } from './handler';
import { LastUsedRecorder } from './last-used';
import { IMPLEMENTED_ENDPOINTS } from './services';
import { VerificationCache } from './verification-cache';

export interface TestTokenOptions {
  accountId?: string;
  /** Email of the user or service user the token acts as (default alice@example.com). */
  owner?: string;
  /** Email of the user who generated it (default: the owner, or admin for a service user). */
  creator?: string;
  scopes: readonly string[];
  /** The environments it applies to; without them it applies to the account. */
  environmentIds?: readonly string[];
  status?: TokenStatus;
  expiresAt?: Date | null;
  name?: string;
}

export interface TestToken {
  /** The secret token, as a script would send it. */
  token: string;
  id: string;
  publicId: string;
  tokenId: string;
}

async function idOf(db: Db, accountId: string, email: string): Promise<{ userId: string | null; serviceUserId: string | null }> {
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  if (user) return { userId: user.id, serviceUserId: null };
  const [serviceUser] = await db
    .select({ id: serviceUsers.id })
    .from(serviceUsers)
    .where(and(eq(serviceUsers.email, email), eq(serviceUsers.accountId, accountId)));
  if (serviceUser) return { userId: null, serviceUserId: serviceUser.id };
  throw new Error(`No user or service user ${email} in ${accountId}`);
}

/** Inserts a token row directly (what token generation stores), for tests of the platform API. */
export async function insertTestToken(db: Db, options: TestTokenOptions): Promise<TestToken> {
  const accountId = options.accountId ?? 'acme';
  const owner = await idOf(db, accountId, options.owner ?? 'alice@example.com');
  const creatorEmail = options.creator ?? (owner.userId ? (options.owner ?? 'alice@example.com') : 'admin@example.com');
  const creator = await idOf(db, accountId, creatorEmail);
  const generated = generateToken();
  const environmentIds = options.environmentIds ?? [];
  const [row] = await db
    .insert(platformTokens)
    .values({
      accountId,
      publicId: generated.publicId,
      secretHash: generated.secretHash,
      name: options.name ?? `test token ${generated.publicId.slice(0, 6)}`,
      ownerUserId: owner.userId,
      ownerServiceUserId: owner.serviceUserId,
      createdById: creator.userId,
      scopes: [...options.scopes],
      appliesToAccount: environmentIds.length === 0,
      status: options.status ?? 'active',
      expiresAt: options.expiresAt ?? null,
    })
    .returning({ id: platformTokens.id });
  if (environmentIds.length > 0) {
    await db.insert(platformTokenEnvironments).values(environmentIds.map((environmentId) => ({ tokenId: row!.id, environmentId })));
  }
  return { token: generated.token, id: row!.id, publicId: generated.publicId, tokenId: generated.tokenId };
}

export interface TestPlatformOptions {
  ttlMs?: number;
  now?: () => Date;
  /** The cache's clock (ms), to move time past the time-to-live. */
  clock?: () => number;
  /** Whether this process's committed changes reach the cache (as they do in the app); default true. */
  subscribe?: boolean;
  getDb?: () => Promise<Db>;
  /** Limits failed verifications per client (x-test-client-ip), as the app does; none by default. */
  failedVerifications?: FailedVerifications;
}

/** A platform API of its own (cache and recorder) on the given database, as one instance would have. */
export function createTestPlatform(db: Db, options: TestPlatformOptions = {}) {
  const cache = new VerificationCache({ ttlMs: options.ttlMs ?? 60_000, clock: options.clock });
  const unsubscribe = options.subscribe === false ? () => false : onChanges((changes) => cache.apply(changes));
  const lastUsed = new LastUsedRecorder({ getDb: async () => db, flushDelayMs: 10_000 });
  const handle = createPlatformHandler({
    getDb: options.getDb ?? (async () => db),
    cache,
    endpoints: IMPLEMENTED_ENDPOINTS,
    lastUsed,
    clientIp: (request) => request.headers.get('x-test-client-ip'),
    now: options.now,
    failedVerifications: options.failedVerifications,
  });
  return { handle, cache, lastUsed, unsubscribe };
}

export interface PlatformCall {
  method?: string;
  token?: string | null;
  /** A raw Authorization header, instead of `Bearer <token>`. */
  authorization?: string;
  body?: unknown;
  ip?: string;
}

/** A Request to /e/{env}/platform{path}, as a script would send it. */
export function platformRequest(environmentId: string, path: string, call: PlatformCall = {}): Request {
  const headers = new Headers();
  if (call.authorization !== undefined) headers.set('authorization', call.authorization);
  else if (call.token) headers.set('authorization', `Bearer ${call.token}`);
  if (call.body !== undefined) headers.set('content-type', 'application/json');
  if (call.ip) headers.set('x-test-client-ip', call.ip);
  return new Request(`http://localhost/e/${encodeURIComponent(environmentId)}/platform${path}`, {
    method: call.method ?? 'GET',
    headers,
    body: call.body === undefined ? undefined : typeof call.body === 'string' ? call.body : JSON.stringify(call.body),
  });
}

/** Status and parsed JSON body of a response. */
export async function readResponse(response: Response): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: response.headers };
}

/**
 * Binds a new policy to the user or service user (through a new group), account-wide, and
 * announces the change as the IAM pages do.
 */
export async function grantTestPolicy(db: Db, accountId: string, email: string, statements: string): Promise<void> {
  const principal = await idOf(db, accountId, email);
  const suffix = generateToken().publicId.slice(0, 8);
  await transactWithChanges(db, async (tx, publish) => {
    const [group] = await tx.insert(groups).values({ accountId, name: `test group ${suffix}` }).returning({ id: groups.id });
    const [policy] = await tx
      .insert(policies)
      .values({ accountId, name: `test policy ${suffix}`, statements })
      .returning({ id: policies.id });
    await tx.insert(groupMembers).values({ groupId: group!.id, userId: principal.userId, serviceUserId: principal.serviceUserId });
    await tx.insert(policyBindings).values({ groupId: group!.id, policyId: policy!.id, accountWide: true });
    publish({ kind: 'account', accountId });
  });
}
