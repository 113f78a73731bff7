import { and, desc, eq, gte, ilike, lt, or, sql, type SQL } from 'drizzle-orm';
import { containsPattern } from '@/lib/db/like';
import { assertAdminOf } from '@/lib/accounts/admin-access';
import type { Actor } from '@/lib/auth/users';
import type { Executor } from '@/lib/db';
import { auditEvents, type AuditAction } from '@/lib/db/schema';
import { zonedDayStart } from '@/lib/time-zone';
import { isTokenId, TOKEN_PREFIX } from '@/lib/tokens/format';
import { withoutTokenSecrets } from '@/lib/tokens/shape.mjs';
import type { ActivityQuery } from '@/lib/validations/activity';

// The account's audit log for its admins ("Activity"). Events never hold a secret; as a second
// line of defence anything shaped like a whole token is cut to its token ID before it is shown.

export interface ActivityEvent {
  id: number;
  createdAt: Date;
  actorEmail: string;
  action: AuditAction;
  tokenId: string | null;
  targetName: string | null;
  /** Details without the full token list of bulk events (see `tokenIds`). */
  details: Record<string, unknown>;
  /** For bulk events: the first token IDs they list, and how many there are in all. */
  tokenIds: string[];
  tokenCount: number | null;
}

export interface ActivityPage {
  events: ActivityEvent[];
  hasNextPage: boolean;
}

const SHOWN_TOKEN_IDS = 10;
export function redactSecrets<T>(value: T): T {
  if (typeof value === 'string') return withoutTokenSecrets(value) as T;
  if (Array.isArray(value)) return value.map(redactSecrets) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSecrets(v)])) as T;
  }
  return value;
}

/** A whole token ID matches events about that token, bulk ones included; other text matches by part. */
function tokenCondition(text: string): SQL {
  const upper = text.toUpperCase();
  const tokenId = upper.startsWith(`${TOKEN_PREFIX.toUpperCase()}.`) ? `${TOKEN_PREFIX}.${upper.slice(TOKEN_PREFIX.length + 1)}` : `${TOKEN_PREFIX}.${upper}`;
  if (isTokenId(tokenId)) {
    return or(eq(auditEvents.tokenId, tokenId), sql`(${auditEvents.details} -> 'tokenIds') @> ${JSON.stringify([tokenId])}::jsonb`)!;
  }
  return ilike(auditEvents.tokenId, containsPattern(text));
}


/** One page of the account's audit events, newest first, filtered by actor, token, action and days. */
export async function listActivity(db: Executor, actor: Actor, accountId: string, query: ActivityQuery): Promise<ActivityPage> {
  assertAdminOf(actor, accountId);
  const conditions: (SQL | undefined)[] = [eq(auditEvents.accountId, accountId)];
  if (query.actor) conditions.push(ilike(auditEvents.actorEmail, containsPattern(query.actor)));
  if (query.token) conditions.push(tokenCondition(query.token));
  if (query.action) conditions.push(eq(auditEvents.action, query.action));
  if (query.from) conditions.push(gte(auditEvents.createdAt, zonedDayStart(query.from, query.tz)));
  if (query.to) conditions.push(lt(auditEvents.createdAt, zonedDayStart(query.to, query.tz, 1)));

  const rows = await selectEvents(db, and(...conditions)!, query.size + 1, (query.page - 1) * query.size);
  return { hasNextPage: rows.length > query.size, events: rows.slice(0, query.size) };
}

/**
 * A token's own activity, newest first: the events about it, bulk ones that list it included.
 * For the token's page, whose reader may see the token; not for the account's log as a whole.
 */
export function listTokenActivity(db: Executor, accountId: string, tokenId: string, limit: number): Promise<ActivityEvent[]> {
  return selectEvents(db, and(eq(auditEvents.accountId, accountId), tokenCondition(tokenId))!, limit, 0);
}

async function selectEvents(db: Executor, where: SQL, limit: number, offset: number): Promise<ActivityEvent[]> {
  const rows = await db
    .select({
      id: auditEvents.id,
      createdAt: auditEvents.createdAt,
      actorEmail: auditEvents.actorEmail,
      action: auditEvents.action,
      tokenId: auditEvents.tokenId,
      targetName: auditEvents.targetName,
      // A bulk event may list 100,000 token IDs: only the first few leave the database.
      details: sql<Record<string, unknown>>`${auditEvents.details} - 'tokenIds'`,
      tokenIds: sql<string[]>`jsonb_path_query_array(${auditEvents.details}, ${`$.tokenIds[0 to ${SHOWN_TOKEN_IDS - 1}]`}::jsonpath)`,
      tokenCount: sql<number | null>`jsonb_array_length(case when jsonb_typeof(${auditEvents.details} -> 'tokenIds') = 'array' then ${auditEvents.details} -> 'tokenIds' end)`,
    })
    .from(auditEvents)
    .where(where)
    .orderBy(sql`${auditEvents.createdAt} desc nulls last`, desc(auditEvents.id))
    .limit(limit)
    .offset(offset);
  return rows.map((r) => ({
    id: r.id,
    createdAt: r.createdAt,
    actorEmail: r.actorEmail,
    action: r.action,
    tokenId: r.tokenId ? redactSecrets(r.tokenId) : null,
    targetName: r.targetName ? redactSecrets(r.targetName) : null,
    details: redactSecrets(r.details ?? {}),
    tokenIds: redactSecrets(r.tokenIds ?? []),
    tokenCount: r.tokenCount === null ? null : Number(r.tokenCount),
  }));
}
