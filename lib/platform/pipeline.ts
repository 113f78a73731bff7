import type { AnyEndpointDefinition, PlatformAttributes, PlatformContext } from './endpoint';
import { readInput, type InputSource } from './input';
import { andThen, type MaybePromise } from './maybe-promise';

// The one way an endpoint runs, for a call over HTTP (handler.ts, once the bearer token is
// verified) and for a workflow task calling an endpoint with its runner's token
// (services/automation-invoke.ts): each scope of the endpoint in the token and, at least for some
// requests, in the owner's policies → the input, read and validated (input.ts) → the owner's
// permission for the request's attributes → `handle`. A check added here applies to both. A call
// that needs nothing from the database is run without a promise (maybe-promise.ts).

function asList(attributes: PlatformAttributes | readonly PlatformAttributes[]): readonly PlatformAttributes[] {
  return Array.isArray(attributes) ? attributes : [attributes as PlatformAttributes];
}

export function runEndpoint(
  endpoint: AnyEndpointDefinition,
  source: InputSource,
  ctx: PlatformContext,
): MaybePromise<{ status: number; body: unknown }> {
  ctx.requireScopes(endpoint.scopes);
  return andThen(readInput(endpoint, source), (input) =>
    andThen(endpoint.attributes?.(input, ctx) ?? [], (attributes) => {
      for (const one of asList(attributes)) {
        for (const scope of endpoint.scopes) ctx.authorize(scope, one);
      }
      return endpoint.handle(input, ctx);
    }),
  );
}
