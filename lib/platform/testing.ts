import { platformAddress } from './addressing.mjs';
import { onChanges, transactWithChanges } from '@/lib/changes';
import type { Db } from '@/lib/db';
import { groupMembers, groups, policies, policyBindings } from '@/lib/db/schema';
import { identityOf } from '@/lib/testing/tokens';
import { generateToken } from '@/lib/tokens/format';
import { documentedStatuses, isAccountLevel, type AnyEndpointDefinition, type Responses, type ResponseSpec } from './endpoint';
import type { FailedVerifications } from './failed-verifications';
import { answerResponse, type PlatformAnswer } from './errors';
import { ACCOUNT_API_PREFIX, createPlatformAnswerer, type PlatformRequest } from './handler';
import { LastUsedRecorder } from './last-used';
import { errorSchema } from './openapi';
import type { ReadCache } from './read-cache';
import { ENDPOINTS, findEndpoint } from './registry';
import { dropDeletedEnvironments } from './services/state';
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
  /** PLATFORM_DOMAIN, for calls that name the environment by host. */
  platformDomain?: string;
}

/** A response that breaks the documented contract of its endpoint (openapi.ts). */
export class ContractError extends Error {
  override name = 'ContractError';
}

/**
 * Checks an answer of the platform API against what the OpenAPI document promises for it: a
 * status the endpoint documents, and a body of that status's schema — the Error schema, with
 * its code, for a refusal. A path no endpoint serves may only be refused (404, 405).
 */
export async function checkResponseContract(request: Request, response: Response): Promise<void> {
  await checkContract(request, response.status, new Uint8Array(await response.arrayBuffer()), response.headers.get('content-type'));
}

/** A body of another content type, as its schema reads it: a form's parts (JSON text parsed), or a file. */
async function decodedBody(label: string, declared: string, type: string | null, bytes: Uint8Array<ArrayBuffer>): Promise<unknown> {
  const media = (type ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (declared === 'multipart/form-data') {
    if (media !== declared) throw new ContractError(`${label} as ${type}, not ${declared}.`);
    const form = await new Response(bytes, { headers: { 'content-type': type! } }).formData();
    const parts: Record<string, unknown> = {};
    for (const [name, value] of form) {
      try {
        parts[name] = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
      } catch {
        throw new ContractError(`${label} with a part '${name}' that is not JSON.`);
      }
    }
    return parts;
  }
  if (declared !== '*/*' && media !== declared) throw new ContractError(`${label} as ${type}, not ${declared}.`);
  return new File([bytes], 'body', { type: type ?? '' });
}

async function checkContract(request: Pick<PlatformRequest, 'method' | 'url'>, status: number, bytes: Uint8Array<ArrayBuffer>, contentType: string | null): Promise<void> {
  const text = Buffer.from(bytes).toString('utf8');
  const url = new URL(request.url);
  const path = url.pathname.startsWith(ACCOUNT_API_PREFIX) ? url.pathname : platformAddress(url.pathname, null, null)?.path;
  const method = request.method === 'HEAD' ? 'GET' : request.method;
  const endpoint = path === undefined ? undefined : findEndpoint(method, path)?.endpoint;
  const label = `${request.method} ${url.pathname.slice(0, 120)} answered ${status}`;
  const statuses = endpoint ? documentedStatuses(endpoint) : [404, 405];
  if (!statuses.includes(status)) {
    throw new ContractError(`${label}, which ${endpoint ? endpoint.id : 'an unknown path'} does not document (${statuses.join(', ')}).`);
  }
  if (request.method === 'HEAD') return;
  const spec: ResponseSpec | undefined = status >= 400 ? { description: 'Error', schema: errorSchema } : (endpoint!.responses as Responses)[status as 200];
  if (!spec?.schema) {
    if (text !== '') throw new ContractError(`${label} with a body, where ${endpoint!.id} documents none.`);
    return;
  }
  let body: unknown;
  const declared = spec.contentType ?? 'application/json';
  if (declared !== 'application/json') {
    body = await decodedBody(label, declared, contentType, bytes);
  } else {
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      throw new ContractError(`${label} with a body that is not JSON: ${text.slice(0, 80)}`);
    }
  }
  const parsed = spec.schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ContractError(`${label} with a body its schema refuses at '${issue?.path.join('.')}': ${issue?.message}`);
  }
  if (status >= 400 && (body as { error: { code: number } }).error.code !== status) {
    throw new ContractError(`${label} with error code ${(body as { error: { code: number } }).error.code}.`);
  }
}

/**
 * A platform API of its own (cache and recorder) on the given database, as one instance would
 * have. Every answer is checked against the documented contract (checkResponseContract): a test
 * that gets an undocumented status or body fails.
 */
export function createTestPlatform(db: Db, options: TestPlatformOptions = {}) {
  const cache = new VerificationCache({ ttlMs: options.ttlMs ?? 60_000, clock: options.clock });
  const readCache = options.readCache;
  const unsubscribe =
    options.subscribe === false
      ? () => false
      : onChanges((changes) => {
          cache.apply(changes);
          if (readCache) dropDeletedEnvironments(readCache, changes);
        });
  // Written when a test flushes: a timer would write after the test, into a database since closed.
  const lastUsed = new LastUsedRecorder({ getDb: async () => db, flushDelayMs: null });
  const serve = createPlatformAnswerer({
    getDb: options.getDb ?? (async () => db),
    cache,
    endpoints: ENDPOINTS,
    lastUsed,
    clientIp: (request) => request.headers.get('x-test-client-ip'),
    now: options.now,
    failedVerifications: options.failedVerifications,
    readCache: options.readCache,
    platformDomain: options.platformDomain ?? null,
  });
  /** The answer as the HTTP server gets it, checked against the endpoint's contract. */
  const answer = async (request: PlatformRequest): Promise<PlatformAnswer> => {
    const result = await serve(request);
    const { body } = result;
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : (body ?? new Uint8Array());
    await checkContract(request, result.status, new Uint8Array(bytes), result.headers['Content-Type'] ?? null);
    return result;
  };
  /** The same as a web Response, as the Next.js route gives it. */
  const handle = async (request: PlatformRequest): Promise<Response> => answerResponse(await answer(request));
  return { handle, answer, cache, lastUsed, unsubscribe };
}

export interface PlatformCall {
  method?: string;
  token?: string | null;
  /** A raw Authorization header, instead of `Bearer <token>`. */
  authorization?: string;
  body?: unknown;
  ip?: string;
  /** More request headers, e.g. the App-Id of a call of the original's API. */
  headers?: Readonly<Record<string, string>>;
}

/** A Request to /e/{env}/platform{path}, as a script would send it. */
export function platformRequest(environmentId: string, path: string, call: PlatformCall = {}): Request {
  return requestAt(`/e/${encodeURIComponent(environmentId)}/platform${path}`, call);
}

function requestAt(path: string, call: PlatformCall): Request {
  const headers = new Headers();
  if (call.authorization !== undefined) headers.set('authorization', call.authorization);
  else if (call.token) headers.set('authorization', `Bearer ${call.token}`);
  if (call.body !== undefined) headers.set('content-type', 'application/json');
  if (call.ip) headers.set('x-test-client-ip', call.ip);
  for (const [name, value] of Object.entries(call.headers ?? {})) headers.set(name, value);
  return new Request(`http://localhost${path}`, {
    method: call.method ?? 'GET',
    headers,
    body: call.body === undefined ? undefined : typeof call.body === 'string' ? call.body : JSON.stringify(call.body),
  });
}

/** A Request to an account-level path (PRODUCT.md §12), e.g. '/iam/v1/accounts/acme/platform-tokens'. */
export function accountRequest(path: string, call: PlatformCall = {}): Request {
  return requestAt(path, call);
}

/** A Request for the endpoint at this filled path: under /e/{env}/platform, or at the root for an account-level one. */
export function endpointRequest(endpoint: AnyEndpointDefinition, environmentId: string, path: string, call: PlatformCall = {}): Request {
  return isAccountLevel(endpoint) ? accountRequest(path, call) : platformRequest(environmentId, path, call);
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
