import type { AnyEndpointDefinition, PlatformAttributes, PlatformContext } from './endpoint';
import { readInput, type InputSource } from './input';

// The one way an endpoint runs, for a call over HTTP (handler.ts, once the bearer token is
// verified) and for a workflow task calling an endpoint with its runner's token
// (services/automation-invoke.ts): each scope of the endpoint in the token and, at least for some
// requests, in the owner's policies → the input, read and validated (input.ts) → the owner's
// permission for the request's attributes → `handle`. A check added here applies to both.

function asList(attributes: PlatformAttributes | readonly PlatformAttributes[]): readonly PlatformAttributes[] {
  return Array.isArray(attributes) ? attributes : [attributes as PlatformAttributes];
}

export async function runEndpoint(
  endpoint: AnyEndpointDefinition,
  source: InputSource,
  ctx: PlatformContext,
): Promise<{ status: number; body: unknown }> {
  ctx.requireScopes(endpoint.scopes);
  const input = await readInput(endpoint, source);
  if (endpoint.attributes) {
    for (const attributes of asList(await endpoint.attributes(input, ctx))) {
      for (const scope of endpoint.scopes) ctx.authorize(scope, attributes);
    }
  }
  const result: { status: number; body: unknown } = await endpoint.handle(input, ctx);
  return result;
}
