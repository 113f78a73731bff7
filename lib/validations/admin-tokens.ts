import { z } from 'zod';
import { withoutTokenSecrets } from '@/lib/tokens/shape.mjs';
import { tokenIdSchema } from './tokens';

// The admin token list keeps its state in the URL; the same schemas parse the URL on the page
// and the filter that "select all matching" sends to the server, so both mean the same tokens.

export const ADMIN_TOKEN_PAGE_SIZES = [25, 50, 100] as const;
export type AdminTokenPageSize = (typeof ADMIN_TOKEN_PAGE_SIZES)[number];

export const ADMIN_TOKEN_STATUS_FILTERS = ['all', 'active', 'disabled', 'expired'] as const;
export type AdminTokenStatusFilter = (typeof ADMIN_TOKEN_STATUS_FILTERS)[number];

/** Columns the server sorts by; each one walks an index (see the schema). */
export const ADMIN_TOKEN_SORTS = ['created', 'name', 'tokenId', 'expires', 'lastUsed'] as const;
export type AdminTokenSort = (typeof ADMIN_TOKEN_SORTS)[number];
export type SortDirection = 'asc' | 'desc';

/** The direction a column sorts in when first chosen: newest first for times, A–Z otherwise. */
export const DEFAULT_SORT_DIRECTION: Record<AdminTokenSort, SortDirection> = {
  created: 'desc',
  name: 'asc',
  tokenId: 'asc',
  expires: 'asc',
  lastUsed: 'desc',
};

export const SEARCH_MAX = 255;
/** How many token IDs one bulk request may name; more is what "select all matching" is for. */
export const BULK_MAX_IDS = 1000;

/** A pasted whole token keeps only its token ID, so a secret never travels on as a search. */
export const withoutSecret = withoutTokenSecrets;

export const adminTokenFilterSchema = z.object({
  q: z
    .string({ error: 'Search must be text' })
    .max(SEARCH_MAX, { error: `Search can be at most ${SEARCH_MAX} characters` })
    .transform((q) => withoutSecret(q).trim()),
  status: z.enum(ADMIN_TOKEN_STATUS_FILTERS, { error: 'Choose a status' }),
});
export type AdminTokenFilter = z.output<typeof adminTokenFilterSchema>;

export interface AdminTokenListQuery extends AdminTokenFilter {
  sort: AdminTokenSort;
  dir: SortDirection;
  page: number;
  /** One of ADMIN_TOKEN_PAGE_SIZES on the page; the account management API takes up to 100. */
  size: number;
}

type SearchParams = Record<string, string | string[] | undefined>;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function oneOf<T extends string>(values: readonly T[], value: string | undefined, fallback: T): T {
  return values.find((v) => v === value) ?? fallback;
}

/** Reads the list's state from the URL; anything malformed falls back to the default view. */
export function parseAdminTokenListParams(params: SearchParams): AdminTokenListQuery {
  const sort = oneOf(ADMIN_TOKEN_SORTS, first(params.sort), 'created');
  const page = Number.parseInt(first(params.page) ?? '', 10);
  const size = Number.parseInt(first(params.size) ?? '', 10);
  return {
    q: withoutSecret(first(params.q) ?? '')
      .trim()
      .slice(0, SEARCH_MAX),
    status: oneOf(ADMIN_TOKEN_STATUS_FILTERS, first(params.status), 'all'),
    sort,
    dir: oneOf(['asc', 'desc'] as const, first(params.dir), DEFAULT_SORT_DIRECTION[sort]),
    page: Number.isSafeInteger(page) && page >= 1 && page <= 1_000_000 ? page : 1,
    size: ADMIN_TOKEN_PAGE_SIZES.find((s) => s === size) ?? 25,
  };
}

/** The URL query of a list state, leaving out what equals the default. */
export function adminTokenListSearch(query: AdminTokenListQuery): string {
  const params = new URLSearchParams();
  if (query.q) params.set('q', query.q);
  if (query.status !== 'all') params.set('status', query.status);
  if (query.sort !== 'created') params.set('sort', query.sort);
  if (query.dir !== DEFAULT_SORT_DIRECTION[query.sort]) params.set('dir', query.dir);
  if (query.page !== 1) params.set('page', String(query.page));
  if (query.size !== 25) params.set('size', String(query.size));
  const s = params.toString();
  return s ? `?${s}` : '';
}


export const BULK_TOKEN_ACTIONS = ['disable', 'enable', 'delete'] as const;
export type BulkTokenAction = (typeof BULK_TOKEN_ACTIONS)[number];

export const tokenSelectionSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({
      kind: z.literal('ids'),
      tokenIds: z
        .array(tokenIdSchema, { error: 'Select tokens' })
        .min(1, { error: 'Select at least one token' })
        .max(BULK_MAX_IDS, { error: `Select at most ${BULK_MAX_IDS} tokens, or select all matching` }),
    }),
    z.object({ kind: z.literal('filter'), filter: adminTokenFilterSchema }),
  ],
  { error: 'Select tokens' },
);
export type TokenSelection = z.output<typeof tokenSelectionSchema>;

const accountIdSchema = z.string({ error: 'Account is missing' }).min(1, { error: 'Account is missing' }).max(200);

export const bulkTokenActionSchema = z.object({
  accountId: accountIdSchema,
  action: z.enum(BULK_TOKEN_ACTIONS, { error: 'Choose Disable, Enable or Delete' }),
  selection: tokenSelectionSchema,
});
export type BulkTokenActionInput = z.input<typeof bulkTokenActionSchema>;

export const selectionPreviewSchema = z.object({ accountId: accountIdSchema, filter: adminTokenFilterSchema });

export const tokenManagementSchema = z.object({
  accountId: accountIdSchema,
  allow: z.boolean({ error: 'Choose Allow or Deny' }),
});

/** The longest "Maximum lifetime" or "Disable tokens unused for" an admin can set: 100 years. */
export const POLICY_DAYS_MAX = 36_500;

/** Days as the policy form's field holds them: the digits of a whole number from 1, or empty for none. */
function policyDays(label: string) {
  const message = `${label} must be a whole number of days from 1 to ${POLICY_DAYS_MAX}, or empty`;
  return z
    .string({ error: message })
    .max(20, { error: message })
    .transform((value, ctx) => {
      if (value.trim() === '') return null;
      const days = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
      if (!Number.isInteger(days) || days < 1 || days > POLICY_DAYS_MAX) {
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
      return days;
    });
}

export const tokenPolicySchema = z.object({
  accountId: accountIdSchema,
  maxLifetimeDays: policyDays('Maximum lifetime'),
  disableUnusedDays: policyDays('Disable tokens unused for'),
});
export type TokenPolicyInput = z.input<typeof tokenPolicySchema>;
