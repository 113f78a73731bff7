import { auditActions, type AuditAction } from '@/lib/db/schema';
import { validTimeZone } from '@/lib/time-zone';
import { withoutSecret } from './admin-tokens';

// The Activity page keeps its filters in the URL; this reads them forgivingly (anything
// malformed is dropped, never an error page) and writes them back.

export const ACTIVITY_PAGE_SIZES = [25, 50, 100] as const;
export type ActivityPageSize = (typeof ACTIVITY_PAGE_SIZES)[number];

export interface ActivityQuery {
  /** Part of the actor's email. */
  actor: string;
  /** A token ID (or part of one). */
  token: string;
  action: AuditAction | '';
  /** Days as YYYY-MM-DD, in `tz`, both included. */
  from: string;
  to: string;
  /** The reader's time zone, which the page's times are shown in too; UTC when not given. */
  tz: string;
  page: number;
  size: ActivityPageSize;
}

type SearchParams = Record<string, string | string[] | undefined>;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? '';

/** A real calendar day as YYYY-MM-DD, or ''. */
export function validDay(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return '';
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value) ? value : '';
}

export function parseActivityParams(params: SearchParams): ActivityQuery {
  const page = Number.parseInt(first(params.page), 10);
  const size = Number.parseInt(first(params.size), 10);
  const action = first(params.action);
  return {
    actor: first(params.actor).trim().toLowerCase().slice(0, 320),
    token: withoutSecret(first(params.token)).trim().slice(0, 100),
    action: auditActions.find((a) => a === action) ?? '',
    from: validDay(first(params.from)),
    to: validDay(first(params.to)),
    tz: validTimeZone(first(params.tz)) ?? 'UTC',
    page: Number.isSafeInteger(page) && page >= 1 && page <= 1_000_000 ? page : 1,
    size: ACTIVITY_PAGE_SIZES.find((s) => s === size) ?? 25,
  };
}

export function activitySearch(query: ActivityQuery): string {
  const params = new URLSearchParams();
  for (const key of ['actor', 'token', 'action', 'from', 'to'] as const) if (query[key]) params.set(key, query[key]);
  if ((query.from || query.to) && query.tz !== 'UTC') params.set('tz', query.tz);
  if (query.size !== 25) params.set('size', String(query.size));
  if (query.page !== 1) params.set('page', String(query.page));
  const s = params.toString();
  return s ? `?${s}` : '';
}
