import type { z } from 'zod';
import type { RequestAttributes } from '@/lib/iam/policy-evaluator';
import { findEndpointById } from '../catalogue';
import type { AnyEndpointDefinition, EndpointDefinition, EndpointInput, PlatformContext, PlatformResult } from '../endpoint';
import { badRequest, forbidden, PlatformError } from '../errors';
import { checkBodyValue, DEFAULT_MAX_BODY_BYTES } from '../input';
import { missingScopeMessage, ownerLacksMessage } from '../verify';

// Calls an endpoint of the platform from inside the platform (a workflow task) with the calling
// token's context, making the checks a direct call gets from the wrapper, in the same order: each
// scope of the endpoint in the token and (at least for some requests) in the owner's policies,
// then the input schemas, then the owner's permission for the request's attributes.

export interface InternalInput {
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
}

function validate<T>(schema: z.ZodType<T> | undefined, value: unknown): T {
  if (!schema) return value as T;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : null;
  throw badRequest(field ? `Invalid input field '${field}': ${issue?.message}` : `Invalid input: ${issue?.message ?? 'invalid value'}`);
}

/** Checks input without running anything (no permissions either): a workflow's tasks at creation. */
export function checkInternalInput<P, Q, B>(definition: EndpointDefinition<P, Q, B>, input: InternalInput): void {
  validate(definition.params, input.params ?? {});
  validate(definition.query, input.query ?? {});
  if (definition.body) validate(definition.body, input.body);
}

export async function invokeEndpoint<P, Q, B>(
  definition: EndpointDefinition<P, Q, B>,
  input: InternalInput,
  ctx: PlatformContext,
): Promise<PlatformResult> {
  const endpoint = findEndpointById(definition.id);
  if (!endpoint) throw new Error(`Endpoint ${definition.id} is not in the catalogue`);
  const { granted, conditionallyGranted } = ctx.ownerPermissions();
  for (const scope of endpoint.scopes) {
    if (!ctx.token.scopes.has(scope)) throw forbidden(missingScopeMessage(scope));
  }
  for (const scope of endpoint.scopes) {
    if (!granted.has(scope) && !conditionallyGranted.has(scope)) throw forbidden(ownerLacksMessage(scope, ctx.environmentId));
  }
  if (definition.body) {
    const max = definition.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const size = Buffer.byteLength(JSON.stringify(input.body) ?? '', 'utf8');
    if (size > max) throw new PlatformError(413, `The request body is larger than ${max} bytes.`);
    checkBodyValue(input.body);
  }
  const checked: EndpointInput<P, Q, B> = {
    params: validate(definition.params, input.params ?? {}),
    query: validate(definition.query, input.query ?? {}),
    body: definition.body ? validate(definition.body, input.body) : (undefined as B),
  };
  const any = definition as unknown as AnyEndpointDefinition;
  if (any.attributes) {
    const attributes = await any.attributes(checked, ctx);
    const list: readonly RequestAttributes[] = Array.isArray(attributes) ? attributes : [attributes as RequestAttributes];
    for (const a of list) for (const scope of endpoint.scopes) ctx.authorize(scope, a);
  }
  return definition.handle(checked, ctx);
}
