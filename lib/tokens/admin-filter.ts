import { and, asc, desc, eq, ilike, like, or, sql, type SQL } from 'drizzle-orm';
import { containsPattern, escapeLike } from '@/lib/db/like';
import type { Executor } from '@/lib/db';
import { platformTokens, serviceUsers, users } from '@/lib/db/schema';
import { withoutSecret, type AdminTokenFilter, type AdminTokenListQuery, type AdminTokenStatusFilter } from '@/lib/validations/admin-tokens';
import { TOKEN_PREFIX } from './format';

// The SQL of the admin token list's filter and sort. The list, its count and "select all
// matching" all build on these, so they always mean the same tokens.

const t = platformTokens;
/** "Never" sorts and compares as infinity: one index range holds every token not yet expired. */
const expiry = sql`coalesce(${t.expiresAt}, 'infinity'::timestamptz)`;

function statusCondition(status: AdminTokenStatusFilter, now: Date): SQL | undefined {
  const at = sql`${now.toISOString()}::timestamptz`;
  switch (status) {
    case 'active':
      return and(eq(t.status, 'active'), sql`${expiry} > ${at}`);
    case 'disabled':
      return eq(t.status, 'disabled');
    case 'expired':
      return and(eq(t.status, 'active'), sql`${expiry} <= ${at}`);
    case 'all':
      return undefined;
  }
}

/** The account and the status filter, without the search. */
function accountAndStatus(filter: ResolvedTokenFilter): SQL {
  return and(eq(t.accountId, filter.accountId), statusCondition(filter.status, filter.now))!;
}

/** A filter with its search resolved: the people whose email or name match are known by ID. */
export interface ResolvedTokenFilter {
  accountId: string;
  status: AdminTokenStatusFilter;
  now: Date;
  search: { pattern: string; idPattern: string; userIds: string[]; serviceUserIds: string[] } | null;
}

/**
 * Looks up the people a search names before the tokens are queried, so that the planner sees
 * how many there are (none is common) instead of guessing from a subquery.
 */
export async function resolveTokenFilter(
  db: Executor,
  accountId: string,
  filter: AdminTokenFilter,
  now: Date,
): Promise<ResolvedTokenFilter> {
  const q = withoutSecret(filter.q).trim();
  if (!q) return { accountId, status: filter.status, now, search: null };
  const pattern = containsPattern(q);
  const idText = q.toLowerCase().startsWith(`${TOKEN_PREFIX}.`) ? q.slice(TOKEN_PREFIX.length + 1) : q;
  // "name@…" is the start of an email: one btree range instead of a trigram search that, on
  // emails sharing a domain, reads a posting list as long as the user table.
  const emailStart = q.indexOf('@') > 0;
  const people = await db
    .select({ id: users.id })
    .from(users)
    .where(
      emailStart ? like(users.email, `${escapeLike(q.toLowerCase())}%`) : or(ilike(users.email, pattern), ilike(users.name, pattern)),
    );
  const services = await db
    .select({ id: serviceUsers.id })
    .from(serviceUsers)
    .where(and(eq(serviceUsers.accountId, accountId), or(ilike(serviceUsers.email, pattern), ilike(serviceUsers.name, pattern))));
  return {
    accountId,
    status: filter.status,
    now,
    search: {
      pattern,
      idPattern: containsPattern(idText.toUpperCase()),
      userIds: people.map((p) => p.id),
      serviceUserIds: services.map((s) => s.id),
    },
  };
}

const anyOf = (ids: string[]) => sql`any(${sql.param(ids)}::uuid[])`;

/** The ways a token matches a search, each on its own index. */
function searchBranches(search: NonNullable<ResolvedTokenFilter['search']>): SQL[] {
  const branches = [ilike(t.name, search.pattern), like(t.publicId, search.idPattern)];
  if (search.userIds.length > 0) {
    branches.push(sql`${t.ownerUserId} = ${anyOf(search.userIds)}`, sql`${t.createdById} = ${anyOf(search.userIds)}`);
  }
  if (search.serviceUserIds.length > 0) branches.push(sql`${t.ownerServiceUserId} = ${anyOf(search.serviceUserIds)}`);
  return branches;
}

/**
 * The IDs of the tokens that match a search, as a subquery. One OR over five kinds of match
 * leaves the planner guessing; a UNION lets each branch use its own index, and with `order`
 * and `limit` each branch stops after the rows the page can need.
 */
function matchingIds(filter: ResolvedTokenFilter, options: { order?: SQL[]; limit?: number } = {}): SQL | undefined {
  if (!filter.search) return undefined;
  const base = accountAndStatus(filter);
  const order = options.order ? sql` order by ${sql.join(options.order, sql`, `)}` : sql``;
  const limit = options.limit !== undefined ? sql` limit ${options.limit}` : sql``;
  const selects = searchBranches(filter.search).map((branch) => sql`(select ${t.id} from ${t} where ${and(base, branch)}${order}${limit})`);
  return sql`(select id from (${sql.join(selects, sql` union `)}) matches)`;
}

/** The tokens of one account that a filter means: what "select all matching" acts on. */
export function tokenFilterCondition(filter: ResolvedTokenFilter): SQL {
  const ids = matchingIds(filter);
  return ids ? and(accountAndStatus(filter), sql`${t.id} in ${ids}`)! : accountAndStatus(filter);
}

/**
 * The same tokens, as a condition for a query that reads at most `limit` of them in `order`: a
 * search then reads at most `limit` tokens from each of its branches.
 */
export function tokenPageCondition(filter: ResolvedTokenFilter, order: SQL[] | undefined, limit: number): SQL {
  const ids = matchingIds(filter, { order, limit });
  return ids ? and(accountAndStatus(filter), sql`${t.id} in ${ids}`)! : accountAndStatus(filter);
}

/** Each order matches an index of the schema (read forwards or backwards), tie-breaker included. */
export function tokenOrder(query: Pick<AdminTokenListQuery, 'sort' | 'dir'>): SQL[] {
  const up = query.dir === 'asc';
  switch (query.sort) {
    case 'name':
      return up ? [sql`lower(${t.name}) asc`, asc(t.id)] : [sql`lower(${t.name}) desc`, desc(t.id)];
    case 'tokenId':
      return [up ? asc(t.publicId) : desc(t.publicId)];
    case 'expires':
      return up ? [sql`${expiry} asc`, asc(t.id)] : [sql`${expiry} desc`, desc(t.id)];
    case 'lastUsed':
      return up ? [sql`${t.lastUsedAt} asc nulls first`, desc(t.id)] : [sql`${t.lastUsedAt} desc nulls last`, asc(t.id)];
    case 'created':
      // The index is "created_at DESC NULLS LAST"; the nulls clause must match for the planner to use it.
      return up ? [sql`${t.createdAt} asc nulls first`, desc(t.id)] : [sql`${t.createdAt} desc nulls last`, asc(t.id)];
  }
}
