import { z } from 'zod';

// The query of an endpoint, on every endpoint the same: the parameters it names and no other. A
// parameter it does not take (a filter, a sort, a misspelt name) is a 400 naming it and what the
// endpoint takes, rather than ignored so that the answer silently means something else.

declare const QUERY_PARAMETERS: unique symbol;

/** An endpoint's query, made by `queryParameters`: the only kind an endpoint definition takes. */
export type QueryParameters<Q> = z.ZodType<Q> & { readonly [QUERY_PARAMETERS]: true };

function listed(names: readonly string[]): string {
  if (names.length === 0) return 'it takes none';
  if (names.length === 1) return `it takes ${names[0]}`;
  return `it takes ${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/**
 * These parameters and no other. `takes` is what a refusal says the endpoint takes, when some of
 * the shape's parameters are there only to be refused with their own reason (the original's
 * parameters that this portal does not support); by default every one of the shape.
 */
export function queryParameters<S extends z.ZodRawShape>(
  shape: S,
  { takes = Object.keys(shape) }: { takes?: readonly (keyof S & string)[] } = {},
): QueryParameters<z.output<z.ZodObject<S, z.core.$strict>>> {
  const unknown = `is not a parameter of this endpoint; ${listed(takes)}`;
  const schema = z.strictObject(shape, { error: (issue) => (issue.code === 'unrecognized_keys' ? unknown : undefined) });
  return schema as unknown as QueryParameters<z.output<typeof schema>>;
}
