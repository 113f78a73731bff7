// The shape of one platform endpoint's implementation and what its handler is given; how the
// wrapper uses them is described at the top of handler.ts.

import type { z } from 'zod';
import type { Db } from '@/lib/db';
import type { Principal } from '@/lib/iam/effective-permissions';
import type { RequestAttributes } from '@/lib/iam/policy-evaluator';
import type { ReadCache } from './read-cache';

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
  /** Memory for reads of service data when this process is the database's only client, else null (read-cache.ts). */
  readCache: ReadCache | null;
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
