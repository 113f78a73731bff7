// One platform endpoint, defined once: its route (method, path, scopes, summary), its request
// (parameters, query, body) and a schema per response status, next to its handler, whose result
// is typed from those responses. The router, the route guards, the OpenAPI document, the API
// explorer and the create form's scope table all read these definitions (registry.ts lists
// them); pipeline.ts runs one.

import type { z } from 'zod';
import type { Db } from '@/lib/db';
import type { AttributeName } from '@/lib/iam/permissions';
import type { Principal } from '@/lib/iam/effective-permissions';
import type { HttpMethod, ScopeName, ServiceId } from './catalogue';
import type { MaybePromise } from './maybe-promise';
import type { QueryParameters } from './query-parameters';
import type { ReadCache } from './read-cache';

export interface EndpointInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
}

/** Request attributes the owner's policies are evaluated with; an unknown attribute name does not compile. */
export type PlatformAttributes = Readonly<Partial<Record<AttributeName, string | number>>>;

/** What a handler knows about the call: who, where, and helpers that consult the owner's policies. */
export interface PlatformContext {
  db: Db;
  now: Date;
  /** The environment called; '' for an account-level endpoint, which names no environment. */
  environmentId: string;
  accountId: string;
  token: {
    id: string;
    /** `dt0s16.<public>`, never the secret. */
    tokenId: string;
    scopes: ReadonlySet<string>;
    appliesToAccount: boolean;
    environmentIds: ReadonlySet<string>;
  };
  /** The identity the token acts as. */
  owner: Principal;
  /** Whether the token has the scope and the owner's policies allow it for a request with these attributes. */
  permits(permission: ScopeName, attributes?: PlatformAttributes): boolean;
  /** Refuses with 403 unless the token has the scope and the owner the permission for these attributes. */
  authorize(scope: ScopeName, attributes?: PlatformAttributes): void;
  /** Refuses with 403 unless the token has each scope and the owner holds each, at least for some requests. */
  requireScopes(scopes: readonly ScopeName[]): void;
  /** What the owner's policies grant here: always, or only for some requests. */
  ownerPermissions(): { granted: ReadonlySet<string>; conditionallyGranted: ReadonlySet<string> };
  /** Memory for reads of service data when this process is the database's only client, else null (read-cache.ts). */
  readCache: ReadCache | null;
  /** The portal's public origin, for links an account-level call hands out (invitations); null when unknown. */
  origin?: string | null;
}

export type EndpointLevel = 'environment' | 'account';

/** Where a request for the endpoint goes: under /e/{env}/platform, or from the root for an account-level one. */
export function isAccountLevel(endpoint: { level?: EndpointLevel }): boolean {
  return endpoint.level === 'account';
}

export interface HeaderParam {
  /** Header name, lower case. */
  header: string;
  param: string;
  default: string;
}

/** Statuses a handler answers with; errors are thrown (errors.ts) and share one shape. */
export type SuccessStatus = 200 | 201 | 202 | 204;

export interface ResponseSpec {
  description: string;
  /** The body's schema; absent for a response without a body (204). */
  schema?: z.ZodType;
  /** Default application/json. */
  contentType?: string;
}

export type Responses = Partial<Record<SuccessStatus, ResponseSpec>>;

type BodyOf<S> = S extends { schema: infer Z extends z.ZodType } ? z.input<Z> : undefined;

/** What `handle` may return: one of the documented statuses with a body of its schema. */
export type ResultOf<R extends Responses> = {
  [S in keyof R & SuccessStatus]: { status: S; body: BodyOf<R[S]> };
}[keyof R & SuccessStatus];

/** Error statuses every endpoint may answer (PRODUCT.md §7); `errors` adds the endpoint's own. */
export const COMMON_ERROR_STATUSES = [400, 401, 403, 404, 429, 500, 503] as const;
/** An endpoint that reads a body may also refuse one that is too large. */
export const BODY_ERROR_STATUSES = [413] as const;
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 503;

export interface EndpointDefinition<P = Record<string, string>, Q = Record<string, never>, B = undefined, R extends Responses = Responses> {
  /** Stable identifier, e.g. 'document.documents.list'. */
  id: string;
  service: ServiceId;
  method: HttpMethod;
  /**
   * 'environment' (the default): served under /e/{env}/platform. 'account': served at the
   * portal's root (PRODUCT.md §12), its path naming the account as {accountId}; the token must
   * belong to that account and apply to the whole of it.
   */
  level?: EndpointLevel;
  /** Path under /e/{env}/platform with {param} placeholders; from the root for an account-level endpoint. */
  path: string;
  /** Every scope the call needs (all of them). */
  scopes: readonly ScopeName[];
  /**
   * The call additionally needs exactly one of these, and which one depends on the request
   * (query:execute: the read scope of the fetched table). The route guard checks `scopes`;
   * the handler checks this one once it knows the request.
   */
  perRequestScopes?: readonly ScopeName[];
  /**
   * Read scopes of other services whose data the answer may carry, depending on the request (an
   * app function that reads its app's settings, an execution that holds a storage query's
   * records). The handler checks each that applies with `ctx.authorize`, with the attributes
   * that service checks. A read scope of another service that every call needs is in `scopes`.
   */
  readsFrom?: readonly ScopeName[];
  summary: string;
  description?: string;
  params?: z.ZodType<P>;
  /**
   * Parameters a request gives in a header rather than the path, with the value taken when it
   * gives none (the app of a state call, which the original platform knows from the calling app).
   * They are validated with `params`.
   */
  headerParams?: readonly HeaderParam[];
  /** Made by `queryParameters` (query-parameters.ts), which refuses a parameter it does not name. */
  query?: QueryParameters<Q>;
  /** Required body; omit for endpoints that take none (a body sent anyway is ignored). */
  body?: z.ZodType<B>;
  /** One line describing the request body, for the explorer and OpenAPI. */
  requestBody?: string;
  /** The body's content type (default application/json). */
  bodyContentType?: string;
  /**
   * The body may also come as multipart/form-data (the original platform's documents): its parts
   * as this schema reads them, each text part a string and each file part a File. It gives the
   * same input as `body`.
   */
  formBody?: z.ZodType<B>;
  /** Largest accepted body in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** A request body to start from in the API explorer. */
  exampleBody?: unknown;
  /** Each status the endpoint answers on success, with its body's schema. */
  responses: R;
  /** Error statuses this endpoint answers beyond the common ones (e.g. 409). */
  errors?: readonly ErrorStatus[];
  attributes?(
    input: EndpointInput<P, Q, B>,
    ctx: PlatformContext,
  ): PlatformAttributes | readonly PlatformAttributes[] | Promise<PlatformAttributes | readonly PlatformAttributes[]>;
  /** May answer at once (a value from memory), without a promise: see maybe-promise.ts. */
  handle(input: EndpointInput<P, Q, B>, ctx: PlatformContext): MaybePromise<NoInfer<ResultOf<R>>>;
}

/** Any endpoint, whatever its input and response types (method syntax above keeps this assignable). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyEndpointDefinition = EndpointDefinition<unknown, unknown, unknown, any>;

export function defineEndpoint<P = Record<string, string>, Q = Record<string, never>, B = undefined, const R extends Responses = Responses>(
  definition: EndpointDefinition<P, Q, B, R>,
): EndpointDefinition<P, Q, B, R> {
  return definition;
}

/** Every status an endpoint is documented to answer. */
export function documentedStatuses(endpoint: AnyEndpointDefinition): number[] {
  const success = Object.keys(endpoint.responses as Responses).map(Number);
  const body = endpoint.body ? BODY_ERROR_STATUSES : [];
  return [...new Set([...success, ...COMMON_ERROR_STATUSES, ...body, ...(endpoint.errors ?? [])])].sort((a, b) => a - b);
}

export function ok<T>(body: T): { status: 200; body: T } {
  return { status: 200, body };
}

export function created<T>(body: T): { status: 201; body: T } {
  return { status: 201, body };
}

export function noContent(): { status: 204; body: undefined } {
  return { status: 204, body: undefined };
}

export function accepted<T>(body: T): { status: 202; body: T } {
  return { status: 202, body };
}
