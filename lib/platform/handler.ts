import type { Db } from '@/lib/db';
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';
import type { AnyEndpointDefinition, PlatformContext, Responses, SuccessStatus } from './endpoint';
import { errorResponse, jsonResponse, PlatformError, platformErrorResponse } from './errors';
import type { FailedVerifications } from './failed-verifications';
import { httpInput } from './input';
import { platformAddress } from './addressing.mjs';
import type { LastUsedRecorder } from './last-used';
import { runEndpoint } from './pipeline';
import type { ReadCache } from './read-cache';
import { createRouter } from './registry';
import type { VerificationCache } from './verification-cache';
import { ownerDecision, ownerSummary, requirePermission, requireScopes, Verifier, type VerifiedToken, type VerifyRequest } from './verify';

// The platform API wrapper: the one entry point of /e/{env}/platform/<service>/..., which finds
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
  /** The client's address for "Last used". */
  clientIp?: (request: Request) => string | null;
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


function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

function appErrorResponse(error: AppError): Response {
  const status =
    error instanceof ValidationError ? 400
    : error instanceof NotFoundError ? 404
    : error instanceof ForbiddenError ? 403
    : error instanceof ConflictError ? 409
    : 400;
  return errorResponse(status, error.message);
}

function context(verified: VerifiedToken, db: Db, now: Date, readCache: ReadCache | null): PlatformContext {
  const { token } = verified;
  return {
    db,
    now,
    environmentId: verified.environmentId,
    accountId: verified.accountId,
    token: {
      id: token.id,
      tokenId: token.tokenId,
      scopes: token.scopes,
      appliesToAccount: token.appliesToAccount,
      environmentIds: token.environmentIds,
    },
    owner: verified.owner,
    // Like `authorize`, without the refusal: a list keeps an item only if the token may read it too.
    permits: (permission, attributes) => token.scopes.has(permission) && ownerDecision(verified, permission, attributes).allowed,
    authorize: (scope, attributes) => requirePermission(verified, scope, attributes),
    requireScopes: (scopes) => requireScopes(verified, scopes),
    ownerPermissions: () => ownerSummary(verified),
    readCache,
  };
}

/** A handler's result as its endpoint documents it: JSON, another content type, or no body (204). */
function endpointResponse(endpoint: AnyEndpointDefinition, result: { status: number; body: unknown }): Response {
  const spec = (endpoint.responses as Responses)[result.status as SuccessStatus];
  const contentType = spec?.contentType ?? 'application/json';
  if (!spec?.schema) return new Response(null, { status: result.status, headers: { 'Cache-Control': 'no-store' } });
  if (contentType === 'application/json') return jsonResponse(result.body, result.status);
  return new Response(result.body as BodyInit, { status: result.status, headers: { 'Content-Type': contentType, 'Cache-Control': 'no-store' } });
}

function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error).split('\n')[0] ?? '';
  const cause = error.cause instanceof Error ? ` (${error.cause.message.split('\n')[0]})` : '';
  const frames = (error.stack ?? '').split('\n').filter((line) => line.trimStart().startsWith('at ')).slice(0, 5);
  return [`${error.name}: ${error.message.split('\n')[0]}${cause}`, ...frames].join('\n');
}

export function createPlatformHandler(options: PlatformHandlerOptions): (request: Request) => Promise<Response> {
  const getDb = () =>
    options.getDb().catch(() => {
      throw new PlatformError(503, 'The database is not reachable right now. Try again shortly.');
    });
  const verifier = new Verifier({ getDb, cache: options.cache });
  const clock = options.now ?? (() => new Date());
  const router = createRouter(options.endpoints);

  /** Verification from memory when it can, else with the database unless the client is blocked. */
  async function verify(request: VerifyRequest, client: string | null): Promise<VerifiedToken> {
    const limits = options.failedVerifications;
    const nowMs = request.now.getTime();
    try {
      const cached = verifier.verifyCached(request);
      if (cached) return cached;
      limits?.check(client, nowMs);
      return await verifier.verify(request);
    } catch (error) {
      throw limits ? await limits.count(error, client, nowMs) : error;
    }
  }

  /** The token's one environment, for a call at the root; failures count like any verification's. */
  async function soleEnvironment(authorization: string | null, client: string | null, now: Date): Promise<string> {
    const limits = options.failedVerifications;
    try {
      return await verifier.soleEnvironment(authorization, () => limits?.check(client, now.getTime()));
    } catch (error) {
      throw limits ? await limits.count(error, client, now.getTime()) : error;
    }
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const address = platformAddress(url.pathname, request.headers.get('host'), options.platformDomain ?? null);
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const match = address ? router.find(method, address.path) : null;
    if (!address || !match) {
      const allowed = address ? router.methodsAt(address.path) : [];
      if (allowed.length > 0) {
        return errorResponse(405, `Method ${request.method.slice(0, 10)} is not allowed here; use ${allowed.join(' or ')}.`, {
          Allow: allowed.join(', '),
        });
      }
      return errorResponse(404, 'No such endpoint. GET /api/openapi.json lists every endpoint.');
    }
    const { endpoint, params } = match;

    const authorization = request.headers.get('authorization');
    // An undecodable environment ID names no environment: it is refused like one outside the token's reach.
    const environmentId =
      address.environmentId === null ? await soleEnvironment(authorization, options.clientIp?.(request) ?? null, clock())
      : address.form === 'path' ? (decode(address.environmentId) ?? '\u0000')
      : address.environmentId;
    options.beforeVerify?.();
    const now = clock();
    const verifyRequest = { authorization, environmentId, scopes: endpoint.scopes, now };
    const client = options.clientIp?.(request) ?? null;
    const verified = await verify(verifyRequest, client);
    options.lastUsed?.record(verified.token.id, verified.token.lastUsedAt, now, client);

    const ctx = context(verified, await getDb(), now, options.readCache ?? null);
    const result = await runEndpoint(endpoint, httpInput(params, url.searchParams, request), ctx);
    return endpointResponse(endpoint, result);
  }

  return async function platformHandler(request: Request): Promise<Response> {
    try {
      return await handle(request);
    } catch (error) {
      if (error instanceof PlatformError) return platformErrorResponse(error);
      if (error instanceof AppError) return appErrorResponse(error);
      // Never the request itself (its headers carry the token), nor query parameters (they carry
      // what clients sent): the first line of the error, its cause and where it was thrown.
      console.error(`[platform] ${request.method} ${new URL(request.url).pathname.slice(0, 300)} failed: ${describeFailure(error)}`);
      return errorResponse(500, 'Internal error. The request was not completed; try again later.');
    }
  };
}
