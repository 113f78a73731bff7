import type { Db } from '@/lib/db';
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';
import type { RequestAttributes } from '@/lib/iam/policy-evaluator';
import { findEndpoint, pathExists } from './catalogue';
import type { AnyEndpointDefinition, PlatformContext } from './endpoint';
import { errorResponse, jsonResponse, PlatformError, platformErrorResponse } from './errors';
import { readInput } from './input';
import type { LastUsedRecorder } from './last-used';
import type { VerificationCache } from './verification-cache';
import { ownerDecision, ownerSummary, requirePermission, Verifier, type VerifiedToken } from './verify';

// The one entry point of the platform API: /e/{env}/platform/<service>/... → the catalogue
// endpoint → verification → input → the owner's permission → the service's handler. See
// endpoint.ts for how a service plugs in.

export interface PlatformHandlerOptions {
  getDb: () => Promise<Db>;
  cache: VerificationCache;
  /** Implemented endpoints by catalogue id. */
  endpoints: ReadonlyMap<string, AnyEndpointDefinition>;
  lastUsed?: LastUsedRecorder;
  /** The client's address for "Last used". */
  clientIp?: (request: Request) => string | null;
  now?: () => Date;
  /** Called before each verification (e.g. to start the change listener once). */
  beforeVerify?: () => void;
}

const PLATFORM_PATH = /^\/e\/([^/]+)\/platform(\/.*)$/;

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

function context(verified: VerifiedToken, db: Db, now: Date): PlatformContext {
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
    permits: (permission, attributes) => ownerDecision(verified, permission, attributes).allowed,
    authorize: (scope, attributes) => requirePermission(verified, scope, attributes),
    ownerPermissions: () => ownerSummary(verified),
  };
}

function asList(attributes: RequestAttributes | readonly RequestAttributes[]): readonly RequestAttributes[] {
  return Array.isArray(attributes) ? attributes : [attributes as RequestAttributes];
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

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const route = PLATFORM_PATH.exec(url.pathname);
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const match = route ? findEndpoint(method, route[2] ?? '') : null;
    if (!route || !match) {
      if (route && pathExists(route[2] ?? '')) {
        return errorResponse(405, `Method ${request.method.slice(0, 10)} is not allowed here.`);
      }
      return errorResponse(404, 'No such endpoint. GET /api/openapi.json lists every endpoint.');
    }
    const { endpoint, params } = match;
    const definition = options.endpoints.get(endpoint.id);
    if (!definition) return errorResponse(501, `${endpoint.method} ${endpoint.path} is not available yet.`);

    // An undecodable environment ID names no environment: it is refused like one outside the token's reach.
    const environmentId = decode(route[1] ?? '') ?? '\u0000';
    options.beforeVerify?.();
    const now = clock();
    const verifyRequest = { authorization: request.headers.get('authorization'), environmentId, scopes: endpoint.scopes, now };
    const verified = verifier.verifyCached(verifyRequest) ?? (await verifier.verify(verifyRequest));
    options.lastUsed?.record(verified.token.id, verified.token.lastUsedAt, now, options.clientIp?.(request) ?? null);

    const input = await readInput(definition, params, url.searchParams, request);
    const ctx = context(verified, await getDb(), now);
    if (definition.attributes) {
      for (const attributes of asList(await definition.attributes(input, ctx))) {
        for (const scope of endpoint.scopes) requirePermission(verified, scope, attributes);
      }
    }
    const result = await definition.handle(input, ctx);
    return jsonResponse(result.body, result.status ?? 200);
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
