// How a platform service implements one endpoint of the catalogue, on top of the shared wrapper.
//
// Adding a service (storage, settings, …) is mechanical:
//   1. In lib/platform/services/<service>.ts, write one `defineEndpoint({ id, params, query, body,
//      attributes, handle })` per catalogue endpoint of the service; `id` is the catalogue's
//      endpoint id, which gives the method, path and scopes — nothing else repeats them.
//   2. Add the service's list to lib/platform/services/index.ts.
// The wrapper (handler.ts) then routes /e/{env}/platform/... to it and does, in this order:
// bearer verification up to the endpoint's scopes (verify.ts), input validation with the zod
// schemas (400 naming the field), the owner's permission for the request's attributes (403),
// and finally `handle`. A handler never looks at the Authorization header.
//
// Permissions with conditions (PRODUCT.md §6): `attributes` returns the request attributes the
// owner's policies are evaluated with, for each of the endpoint's scopes (it may read the stored
// resource, e.g. a document's type). Without `attributes`, the owner needs the permission for at
// least some requests, and a list handler filters its items with `ctx.permits`. A scope that
// depends on the request (catalogue `perRequestScopes`) is checked with `ctx.authorize`.

import type { z } from 'zod';
import type { Db } from '@/lib/db';
import type { Principal } from '@/lib/iam/effective-permissions';
import type { RequestAttributes } from '@/lib/iam/policy-evaluator';

export interface EndpointInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
}

/** What a handler knows about the call: who, where, and helpers that consult the owner's policies. */
export interface PlatformContext {
  db: Db;
  now: Date;
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
  /** Whether the owner's policies allow `permission` for a request with these attributes. */
  permits(permission: string, attributes?: RequestAttributes): boolean;
  /** Refuses with 403 unless the token has the scope and the owner the permission for these attributes. */
  authorize(scope: string, attributes?: RequestAttributes): void;
  /** What the owner's policies grant here: always, or only for some requests. */
  ownerPermissions(): { granted: ReadonlySet<string>; conditionallyGranted: ReadonlySet<string> };
}

export interface PlatformResult {
  status?: number;
  body: unknown;
}

export interface EndpointDefinition<P = Record<string, string>, Q = Record<string, never>, B = undefined> {
  /** The catalogue endpoint this implements, e.g. 'document.documents.get'. */
  id: string;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  /** Required JSON body; omit for endpoints that take none (a body sent anyway is ignored). */
  body?: z.ZodType<B>;
  /** Largest accepted body in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** A request body to start from in the API explorer. */
  exampleBody?: unknown;
  attributes?(
    input: EndpointInput<P, Q, B>,
    ctx: PlatformContext,
  ): RequestAttributes | readonly RequestAttributes[] | Promise<RequestAttributes | readonly RequestAttributes[]>;
  handle(input: EndpointInput<P, Q, B>, ctx: PlatformContext): Promise<PlatformResult>;
}

/** Any endpoint, whatever its input types (method syntax above keeps this assignable). */
export type AnyEndpointDefinition = EndpointDefinition<unknown, unknown, unknown>;

export function defineEndpoint<P = Record<string, string>, Q = Record<string, never>, B = undefined>(
  definition: EndpointDefinition<P, Q, B>,
): EndpointDefinition<P, Q, B> {
  return definition;
}

export function ok(body: unknown): PlatformResult {
  return { status: 200, body };
}

export function created(body: unknown): PlatformResult {
  return { status: 201, body };
}
