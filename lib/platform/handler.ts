import { emailLinkOrigin } from '@/lib/auth/origin';
import type { Db } from '@/lib/db';
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';
import { isAccountLevel, type AnyEndpointDefinition, type PlatformContext, type Responses, type SuccessStatus } from './endpoint';
import { answerResponse, errorAnswer, jsonAnswer, PlatformError, platformErrorAnswer, type PlatformAnswer } from './errors';
import type { FailedVerifications } from './failed-verifications';
import { httpInput } from './input';
import { platformAddress } from './addressing.mjs';
import { andThen, type MaybePromise } from './maybe-promise';
import type { LastUsedRecorder } from './last-used';
import { runEndpoint } from './pipeline';
import type { ReadCache } from './read-cache';
import { createRouter } from './registry';
import type { VerificationCache } from './verification-cache';
import {
  missingScopeMessage,
  ownerDecision,
  ownerSummary,
  requirePermission,
  requireScopes,
  verifyForAccount,
  Verifier,
  type VerifiedToken,
  type VerifyRequest,
} from './verify';

// The platform API wrapper: the one entry point of /e/{env}/platform/<service>/... and of the
// account management API at /iam/v1/accounts/{accountId}/... (endpoints with `level: 'account'`,
// verified against the database for the account in the path, then the same pipeline), which finds
// the endpoint, verifies the bearer token, validates the input, checks the owner's
// permission and only then calls the service's handler. No endpoint writes its own auth code.
//
// Adding an endpoint is one `defineEndpoint({ id, service, method, path, scopes, summary, params,
// query, body, responses, attributes, handle })` (endpoint.ts) in its service's file,
// lib/platform/services/<service>.ts, listed in that file's endpoints; a new service is one line
// in registry.ts. Handlers stay thin: they get validated input and a context (db, environment,
// account, token, owner) and return one of their documented responses. The route
// app/e/[env]/platform/[...path]/route.ts then serves it, and the OpenAPI document, the API
// explorer and the create form's scope table describe it.
//
// Order of work per request: bearer verification up to the endpoint's scopes (verify.ts: header,
// checksum, lookup, hash, status, expiry, environment, scopes, and that the owner holds each scope
// as a permission at least for some requests) → then runEndpoint (pipeline.ts), which a workflow
// task's call goes through too: input validation with the zod schemas (400 naming the field) →
// the owner's permission for the request's attributes (403) → `handle`.
// A client with too many failed verifications gets 429 for whatever cannot be verified from
// memory (failed-verifications.ts).
//
// Permissions with conditions (PRODUCT.md §6): `attributes` returns the request attributes the
// owner's policies are evaluated with, for each of the endpoint's scopes (from the path or body,
// e.g. an app ID or a document type). When the attribute lives in the stored resource, the
// handler calls `ctx.authorize(scope, attributes)` once it has read (and locked) it; a list
// handler keeps only the items `ctx.permits` allows. A scope that depends on the request
// (catalogue `perRequestScopes`, e.g. the table a query reads, and `readsFrom`, e.g. the app
// settings an app function reads) is checked with `ctx.authorize`. An endpoint whose answer
// carries another service's data always needs that service's read scope too, as a direct read
// would (document search needs `document:documents:read`, and checks it per document type).

export interface PlatformHandlerOptions {
  getDb: () => Promise<Db>;
  cache: VerificationCache;
  /** The endpoints served (registry.ts). */
  endpoints: readonly AnyEndpointDefinition[];
  lastUsed?: LastUsedRecorder;
  /** The client's address, for "Allowed client addresses" and "Last used". */
  clientIp?: (request: PlatformRequest) => string | null;
  now?: () => Date;
  /** Called before each verification (e.g. to start the change listener once). */
  beforeVerify?: () => void;
  /** Memory for service reads; only for a process that is its database's only client. */
  readCache?: ReadCache;
  /** Refuses clients with too many failed verifications (429); none when absent. */
  failedVerifications?: FailedVerifications;
  /** PLATFORM_DOMAIN: environments are also reached at <envId>.<domain>/platform/... (addressing.mjs). */
  platformDomain?: string | null;
}

/**
 * What the handler reads of a request. A web Request is one; the HTTP server gives a GET or HEAD
 * as a lighter view of its own request (scripts/platform-api.mjs), without a Request's headers
 * list and streams.
 */
export interface PlatformRequest {
  readonly method: string;
  /** The absolute URL. */
  readonly url: string;
  readonly headers: { get(name: string): string | null };
  /** Read only by an endpoint that takes a body. */
  readonly body: ReadableStream<Uint8Array> | null;
}

/** Account-level endpoints (PRODUCT.md §12) live at the root, under this prefix. */
export const ACCOUNT_API_PREFIX = '/iam/v1/accounts/';

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

function appErrorAnswer(error: AppError): PlatformAnswer {
  const status =
    error instanceof ValidationError ? 400
    : error instanceof NotFoundError ? 404
    : error instanceof ForbiddenError ? 403
    : error instanceof ConflictError ? 409
    : 400;
  return errorAnswer(status, error.message);
}

/** The calling token as every endpoint sees it. */
function tokenOf({ token }: VerifiedToken): PlatformContext['token'] {
  return { id: token.id, tokenId: token.tokenId, scopes: token.scopes, appliesToAccount: token.appliesToAccount, environmentIds: token.environmentIds };
}

function context(verified: VerifiedToken, db: Db, now: Date, readCache: ReadCache | null): PlatformContext {
  const { token } = verified;
  return {
    db,
    now,
    environmentId: verified.environmentId,
    accountId: verified.accountId,
    token: tokenOf(verified),
    owner: verified.owner,
    // Like `authorize`, without the refusal: a list keeps an item only if the token may read it too.
    permits: (permission, attributes) => token.scopes.has(permission) && ownerDecision(verified, permission, attributes).allowed,
    authorize: (scope, attributes) => requirePermission(verified, scope, attributes),
    requireScopes: (scopes) => requireScopes(verified, scopes),
    ownerPermissions: () => ownerSummary(verified),
    readCache,
  };
}

/**
 * The context of an account-level call: the token's scopes decide alone, as no environment's
 * policies apply; the endpoint checks that the owner is an admin of the account now.
 */
function accountContext(verified: VerifiedToken, db: Db, now: Date, origin: string | null): PlatformContext {
  const { token } = verified;
  const requireScope = (scope: string) => {
    if (!token.scopes.has(scope)) throw new PlatformError(403, missingScopeMessage(scope));
  };
  return {
    db,
    now,
    environmentId: '',
    accountId: verified.accountId,
    token: tokenOf(verified),
    owner: verified.owner,
    permits: (permission) => token.scopes.has(permission),
    authorize: (scope) => requireScope(scope),
    requireScopes: (scopes) => scopes.forEach(requireScope),
    ownerPermissions: () => ownerSummary(verified),
    readCache: null,
    origin,
  };
}

/**
 * A handler's result as its endpoint documents it: JSON, a file (a Blob, sent with its own media
 * type), a multipart/form-data form (each File a file part, anything else a JSON text part), other
 * text or bytes, or no body (204).
 */
function endpointAnswer(endpoint: AnyEndpointDefinition, result: { status: number; body: unknown }): PlatformAnswer | Promise<PlatformAnswer> {
  const spec = (endpoint.responses as Responses)[result.status as SuccessStatus];
  const contentType = spec?.contentType ?? 'application/json';
  if (!spec?.schema) return { status: result.status, headers: { 'Cache-Control': 'no-store' }, body: null };
  if (contentType === 'application/json') return jsonAnswer(result.body, result.status);
  return encodedAnswer(result, contentType);
}

/** A file or a form as bytes with its media type. */
async function encodedAnswer(result: { status: number; body: unknown }, contentType: string): Promise<PlatformAnswer> {
  let body = result.body;
  let type = contentType;
  if (contentType === 'multipart/form-data') {
    const form = new FormData();
    for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
      form.append(name, value instanceof Blob ? value : JSON.stringify(value));
    }
    const encoded = new Response(form);
    type = encoded.headers.get('content-type')!;
    body = new Uint8Array(await encoded.arrayBuffer());
  } else if (body instanceof Blob) {
    type = body.type || 'application/octet-stream';
    body = new Uint8Array(await body.arrayBuffer());
  }
  return { status: result.status, headers: { 'Content-Type': type, 'Cache-Control': 'no-store' }, body: body as string | Uint8Array };
}

function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error).split('\n')[0] ?? '';
  const cause = error.cause instanceof Error ? ` (${error.cause.message.split('\n')[0]})` : '';
  const frames = (error.stack ?? '').split('\n').filter((line) => line.trimStart().startsWith('at ')).slice(0, 5);
  return [`${error.name}: ${error.message.split('\n')[0]}${cause}`, ...frames].join('\n');
}

/** The platform API as web Requests and Responses (the Next.js route, tests). */
export function createPlatformHandler(options: PlatformHandlerOptions): (request: PlatformRequest) => Promise<Response> {
  const answer = createPlatformAnswerer(options);
  return async (request) => answerResponse(await answer(request));
}

/**
 * The platform API; every request gets an answer, never a rejection or a throw. A call answered
 * from memory is answered at once, without a promise (maybe-promise.ts).
 */
export function createPlatformAnswerer(options: PlatformHandlerOptions): (request: PlatformRequest) => MaybePromise<PlatformAnswer> {
  // The same promise for every request while the database's stays the same, rather than a new
  // chain of them per request, and the database itself once that promise has given it.
  let last: { source: Promise<Db>; reachable: Promise<Db>; db: Db | null } | null = null;
  const getDb = (): Promise<Db> => {
    const source = options.getDb();
    if (last?.source !== source) {
      const reachable = source.catch(() => {
        throw new PlatformError(503, 'The database is not reachable right now. Try again shortly.');
      });
      const current = { source, reachable, db: null as Db | null };
      reachable.then(
        (db) => (current.db = db),
        () => undefined,
      );
      last = current;
    }
    return last.reachable;
  };
  /** The open database now, or the promise of it. */
  const database = (): MaybePromise<Db> => {
    const reachable = getDb();
    return last?.db ?? reachable;
  };
  const verifier = new Verifier({ getDb, cache: options.cache });
  const clock = options.now ?? (() => new Date());
  const router = createRouter(options.endpoints.filter((e) => !isAccountLevel(e)));
  const accountRouter = createRouter(options.endpoints.filter(isAccountLevel));

  /**
   * Verification from memory when it can (without waiting for anything), else with the database
   * unless the client is blocked.
   */
  function verify(request: VerifyRequest, client: string | null): VerifiedToken | Promise<VerifiedToken> {
    const limits = options.failedVerifications;
    const nowMs = request.now.getTime();
    const refused = async (error: unknown): Promise<never> => {
      throw limits ? await limits.count(error, client, nowMs) : error;
    };
    try {
      const cached = verifier.verifyCached(request);
      if (cached) return cached;
      limits?.check(client, nowMs);
      return verifier.verify(request).catch(refused);
    } catch (error) {
      return refused(error);
    }
  }

  function noSuchEndpoint(request: PlatformRequest, methodsAt: () => string[]): PlatformAnswer {
    const allowed = methodsAt();
    if (allowed.length > 0) {
      return errorAnswer(405, `Method ${request.method.slice(0, 10)} is not allowed here; use ${allowed.join(' or ')}.`, {
        Allow: allowed.join(', '),
      });
    }
    return errorAnswer(404, 'No such endpoint. GET /api/openapi.json lists every endpoint.');
  }

  /** An account-level call: verified against the database, then the same pipeline. */
  async function handleAccount(request: PlatformRequest, url: URL): Promise<PlatformAnswer> {
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const match = accountRouter.find(method, url.pathname);
    if (!match) return noSuchEndpoint(request, () => accountRouter.methodsAt(url.pathname));
    const { endpoint, params } = match;
    const now = clock();
    const client = options.clientIp?.(request) ?? null;
    const limits = options.failedVerifications;
    let verified: VerifiedToken;
    try {
      limits?.check(client, now.getTime());
      const db = await getDb();
      verified = await verifyForAccount(db, {
        authorization: request.headers.get('authorization'),
        accountId: params.accountId ?? '',
        scopes: endpoint.scopes,
        now,
        clientAddress: client,
      });
    } catch (error) {
      throw limits ? await limits.count(error, client, now.getTime()) : error;
    }
    options.lastUsed?.record(verified.token.id, verified.token.lastUsedAt, now, client);
    // A request made in process has no Host header; its URL's host stands in.
    const origin = emailLinkOrigin(request.headers.get('host') ? request.headers : new Headers({ host: url.host }));
    const ctx = accountContext(verified, await getDb(), now, origin);
    const result = await runEndpoint(endpoint, httpInput(params, url, request), ctx);
    return endpointAnswer(endpoint, result);
  }

  /** The token's one environment, for a call at the root; failures count like any verification's. */
  async function soleEnvironment(authorization: string | null, client: string | null, now: Date): Promise<string> {
    const limits = options.failedVerifications;
    try {
      return await verifier.soleEnvironment(authorization, now, client, () => limits?.check(client, now.getTime()));
    } catch (error) {
      throw limits ? await limits.count(error, client, now.getTime()) : error;
    }
  }

  function handle(request: PlatformRequest): MaybePromise<PlatformAnswer> {
    const url = parseUrl(request.url);
    if (!url) return errorAnswer(400, 'The request could not be read.');
    if (url.pathname.startsWith(ACCOUNT_API_PREFIX)) return handleAccount(request, url);
    const address = platformAddress(url.pathname, request.headers.get('host'), options.platformDomain ?? null);
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const match = address ? router.find(method, address.path) : null;
    if (!address || !match) return noSuchEndpoint(request, () => (address ? router.methodsAt(address.path) : []));
    const authorization = request.headers.get('authorization');
    if (address.environmentId === null) {
      return soleEnvironment(authorization, options.clientIp?.(request) ?? null, clock()).then((environmentId) =>
        handleInEnvironment(request, url, match, authorization, environmentId),
      );
    }
    // An undecodable environment ID names no environment: it is refused like one outside the token's reach.
    const environmentId = address.form === 'path' ? (decode(address.environmentId) ?? '\u0000') : address.environmentId;
    return handleInEnvironment(request, url, match, authorization, environmentId);
  }

  /** A call in an environment: verified (from memory when it can), then the pipeline; without a promise when nothing waits. */
  function handleInEnvironment(
    request: PlatformRequest,
    url: URL,
    { endpoint, params }: { endpoint: AnyEndpointDefinition; params: Record<string, string> },
    authorization: string | null,
    environmentId: string,
  ): MaybePromise<PlatformAnswer> {
    options.beforeVerify?.();
    const now = clock();
    const client = options.clientIp?.(request) ?? null;
    const verifyRequest = { authorization, environmentId, scopes: endpoint.scopes, now, clientAddress: client };
    return andThen(verify(verifyRequest, client), (verified) => {
      options.lastUsed?.record(verified.token.id, verified.token.lastUsedAt, now, client);
      return andThen(database(), (db) => {
        const ctx = context(verified, db, now, options.readCache ?? null);
        return andThen(runEndpoint(endpoint, httpInput(params, url, request), ctx), (result) => endpointAnswer(endpoint, result));
      });
    });
  }

  function failed(request: PlatformRequest, error: unknown): PlatformAnswer {
    if (error instanceof PlatformError) return platformErrorAnswer(error);
    if (error instanceof AppError) return appErrorAnswer(error);
    // Never the request itself (its headers carry the token), nor query parameters (they carry
    // what clients sent): the first line of the error, its cause and where it was thrown.
    console.error(`[platform] ${request.method} ${(parseUrl(request.url)?.pathname ?? '').slice(0, 300)} failed: ${describeFailure(error)}`);
    return errorAnswer(500, 'Internal error. The request was not completed; try again later.');
  }

  return function platformAnswer(request: PlatformRequest): MaybePromise<PlatformAnswer> {
    try {
      const answer = handle(request);
      return answer instanceof Promise ? answer.catch((error: unknown) => failed(request, error)) : answer;
    } catch (error) {
      return failed(request, error);
    }
  };
}
