import type { z } from 'zod';
import type { AnyEndpointDefinition, EndpointInput, PlatformAttributes, PlatformContext } from '../endpoint';
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
export function checkInternalInput(definition: AnyEndpointDefinition, input: InternalInput): void {
  validate(definition.params, input.params ?? {});
  validate(definition.query, input.query ?? {});
  if (definition.body) validate(definition.body, input.body);
}

export async function invokeEndpoint(
  definition: AnyEndpointDefinition,
  input: InternalInput,
  ctx: PlatformContext,
): Promise<{ status: number; body: unknown }> {
  const endpoint = definition;
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
  const checked: EndpointInput<unknown, unknown, unknown> = {
    params: validate(definition.params, input.params ?? {}),
    query: validate(definition.query, input.query ?? {}),
    body: definition.body ? validate(definition.body, input.body) : undefined,
  };
  if (definition.attributes) {
    const attributes = await definition.attributes(checked, ctx);
    const list: readonly PlatformAttributes[] = Array.isArray(attributes) ? attributes : [attributes as PlatformAttributes];
    for (const a of list) for (const scope of endpoint.scopes) ctx.authorize(scope, a);
  }
  return definition.handle(checked, ctx);
}
