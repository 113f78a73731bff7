import { z } from 'zod';
import { badRequest } from '../errors';

// Lists of the platform API: `?limit=` (1–1000) and an opaque `?page-key=` (or `?cursor=`) taken
// from the previous page's `nextPageKey`. Keys are keyset positions in a stable order, so pages
// neither skip nor repeat items when others are added meanwhile.

export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 100;

export const pageQuery = {
  limit: z.coerce
    .number({ error: 'must be a whole number from 1 to 1000' })
    .int('must be a whole number from 1 to 1000')
    .min(1, 'must be a whole number from 1 to 1000')
    .max(MAX_PAGE_SIZE, 'must be a whole number from 1 to 1000')
    .default(DEFAULT_PAGE_SIZE),
  'page-key': z.string().max(500, 'is not a page key of this list').optional(),
  cursor: z.string().max(500, 'is not a page key of this list').optional(),
};

/** A query parameter a list does not take, refused rather than ignored: an ignored filter would answer with everything. */
export const notTaken = (reason: string) => z.undefined({ error: `is not supported here: ${reason}` }).optional();

/** Each of these query parameters refused, with the reason. */
export function notTakenParams(names: readonly string[], reason: string): Record<string, ReturnType<typeof notTaken>> {
  return Object.fromEntries(names.map((name) => [name, notTaken(reason)]));
}

/** Where the original platform's API pages by position (automation): `?limit=` and `?offset=`, with the total `count`. */
export const offsetPageQuery = {
  'page-key': notTaken('this list pages with limit and offset'),
  cursor: notTaken('this list pages with limit and offset'),
  limit: pageQuery.limit,
  offset: z.coerce
    .number({ error: 'must be a whole number from 0 to 1000000' })
    .int('must be a whole number from 0 to 1000000')
    .min(0, 'must be a whole number from 0 to 1000000')
    .max(1_000_000, 'must be a whole number from 0 to 1000000')
    .default(0),
};

/**
 * Where a list of rows ordered by (time, UUID) stopped, as its page keys carry it. The year 0000,
 * which ISO 8601 allows and PostgreSQL does not read, is no such position.
 */
export const timeIdPosition = z.tuple([
  z.iso
    .datetime({ offset: true })
    .refine((time) => !time.startsWith('0000'), 'is not a time of a row'),
  z.uuid(),
]);

export interface PageParams {
  limit: number;
  'page-key'?: string | undefined;
  cursor?: string | undefined;
}

/** The position a page key stands for, checked against `schema`; 400 when it is not one of ours. */
export function readPageKey<T>(query: PageParams, schema: z.ZodType<T>): T | null {
  const field = query['page-key'] !== undefined ? 'page-key' : 'cursor';
  return readPageKeyParameter(query['page-key'] ?? query.cursor, field, schema);
}

/** The same for a key given in the parameter `field` (the original's clients call it `nextPageKey`, `page-key`). */
export function readPageKeyParameter<T>(key: string | undefined, field: string, schema: z.ZodType<T>): T | null {
  if (key === undefined || key === '') return null;
  try {
    const decoded: unknown = JSON.parse(Buffer.from(key, 'base64url').toString('utf8'));
    const parsed = schema.safeParse(decoded);
    if (parsed.success) return parsed.data;
  } catch {
    // falls through to the refusal below
  }
  throw badRequest(`Invalid query parameter '${field}': is not a page key of this list.`);
}

export function pageKey(position: unknown): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}
