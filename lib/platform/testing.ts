import { onChanges, transactWithChanges } from '@/lib/changes';
import type { Db } from '@/lib/db';
import { groupMembers, groups, policies, policyBindings } from '@/lib/db/schema';
import { identityOf } from '@/lib/testing/tokens';
import { generateToken } from '@/lib/tokens/format';
import type { FailedVerifications } from './failed-verifications';
import { createPlatformHandler } from './handler';
import { LastUsedRecorder } from './last-used';
import type { ReadCache } from './read-cache';
import { IMPLEMENTED_ENDPOINTS } from './services';
import { VerificationCache } from './verification-cache';

// The platform API's tests need token rows; they are made the same way as for every other test.
export { insertTestToken, type TestToken } from '@/lib/testing/tokens';

export interface TestPlatformOptions {
  ttlMs?: number;
  now?: () => Date;
  /** The cache's clock (ms), to move time past the time-to-live. */
  clock?: () => number;
  /** Whether this process's committed changes reach the cache (as they do in the app); default true. */
  subscribe?: boolean;
  getDb?: () => Promise<Db>;
  /** Memory for service reads, as the app keeps with the embedded database; none by default. */
  readCache?: ReadCache;
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
    readCache: options.readCache,
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
  const principal = await identityOf(db, accountId, email);
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
