import { and, asc, count, desc, eq, gt, ilike, inArray, isNull, like, lte, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { assertAdminOf } from '@/lib/accounts/admin-access';
import type { Actor } from '@/lib/auth/users';
import type { Executor } from '@/lib/db';
import { accounts, environments, platformTokenEnvironments, platformTokens, serviceUsers, users } from '@/lib/db/schema';
import { withoutSecret, type AdminTokenFilter, type AdminTokenListQuery, type AdminTokenStatusFilter } from '@/lib/validations/admin-tokens';
import { formatTokenId, TOKEN_PREFIX } from './format';
import { tokenState, type TokenState } from './status';

// Every query here is scoped to one account and answers only its admins. The list is O(page):
// each sort walks an index in order and stops after the page; the count is capped.

export interface AdminTokenRow {
  publicId: string;
  tokenId: string;
  name: string;
  state: TokenState;
  accountId: string;
  accountName: string;
  appliesToAccount: boolean;
  environments: string[];
  ownerEmail: string;
  ownerIsServiceUser: boolean;
  createdByEmail: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
}

export interface AdminTokenPage {
  rows: AdminTokenRow[];
  hasNextPage: boolean;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

function searchCondition(accountId: string, rawQuery: string): SQL | undefined {
  const q = withoutSecret(rawQuery).trim();
  if (!q) return undefined;
  const pattern = `%${escapeLike(q)}%`;
  const idText = q.toLowerCase().startsWith(`${TOKEN_PREFIX}.`) ? q.slice(TOKEN_PREFIX.length + 1) : q;
  const idPattern = `%${escapeLike(idText.toUpperCase())}%`;
  // ARRAY(subquery) runs once; "= any(...)" then probes the owner and creator indexes.
  const matchingUsers = sql`array(select ${users.id} from ${users} where ${users.email} ilike ${pattern} or ${users.name} ilike ${pattern})`;
  const matchingServiceUsers = sql`array(select ${serviceUsers.id} from ${serviceUsers} where ${serviceUsers.accountId} = ${accountId} and (${serviceUsers.email} ilike ${pattern} or ${serviceUsers.name} ilike ${pattern}))`;
  return or(
    ilike(platformTokens.name, pattern),
    like(platformTokens.publicId, idPattern),
    sql`${platformTokens.ownerUserId} = any(${matchingUsers})`,
    sql`${platformTokens.createdById} = any(${matchingUsers})`,
    sql`${platformTokens.ownerServiceUserId} = any(${matchingServiceUsers})`,
  );
}

function statusCondition(status: AdminTokenStatusFilter, now: Date): SQL | undefined {
  switch (status) {
    case 'active':
      return and(eq(platformTokens.status, 'active'), or(isNull(platformTokens.expiresAt), gt(platformTokens.expiresAt, now)));
    case 'disabled':
      return eq(platformTokens.status, 'disabled');
    case 'expired':
      return and(eq(platformTokens.status, 'active'), lte(platformTokens.expiresAt, now));
    case 'all':
      return undefined;
  }
}

/** The tokens of one account that a filter means; the list and "select all matching" share it. */
export function tokenFilterCondition(accountId: string, filter: AdminTokenFilter, now: Date): SQL {
  return and(eq(platformTokens.accountId, accountId), statusCondition(filter.status, now), searchCondition(accountId, filter.q))!;
}

// Each order matches an index of the schema (forwards or backwards) including its tie-breaker.
function orderBy(query: Pick<AdminTokenListQuery, 'sort' | 'dir'>): SQL[] {
  const up = query.dir === 'asc';
  const t = platformTokens;
  switch (query.sort) {
    case 'name':
      return up ? [sql`lower(${t.name}) asc`, asc(t.id)] : [sql`lower(${t.name}) desc`, desc(t.id)];
    case 'tokenId':
      return [up ? asc(t.publicId) : desc(t.publicId)];
    case 'expires':
      return up ? [sql`${t.expiresAt} asc nulls last`, asc(t.id)] : [sql`${t.expiresAt} desc nulls first`, desc(t.id)];
    case 'lastUsed':
      return up ? [sql`${t.lastUsedAt} asc nulls first`, desc(t.id)] : [sql`${t.lastUsedAt} desc nulls last`, asc(t.id)];
    case 'created':
      return up ? [asc(t.createdAt), desc(t.id)] : [desc(t.createdAt), asc(t.id)];
  }
}

const ownerUser = alias(users, 'owner_user');
const creator = alias(users, 'creator');

/** One page of the account's tokens, with owner, creator and environments for that page only. */
export async function listAccountTokens(
  db: Executor,
  actor: Actor,
  accountId: string,
  query: AdminTokenListQuery,
  now: Date,
): Promise<AdminTokenPage> {
  assertAdminOf(actor, accountId);
  const found = await db
    .select({
      id: platformTokens.id,
      publicId: platformTokens.publicId,
      name: platformTokens.name,
      status: platformTokens.status,
      accountId: platformTokens.accountId,
      accountName: accounts.name,
      appliesToAccount: platformTokens.appliesToAccount,
      ownerUserEmail: ownerUser.email,
      ownerServiceUserEmail: serviceUsers.email,
      createdByEmail: creator.email,
      createdAt: platformTokens.createdAt,
      expiresAt: platformTokens.expiresAt,
      lastUsedAt: platformTokens.lastUsedAt,
      lastUsedIp: platformTokens.lastUsedIp,
    })
    .from(platformTokens)
    .innerJoin(accounts, eq(accounts.id, platformTokens.accountId))
    .leftJoin(ownerUser, eq(ownerUser.id, platformTokens.ownerUserId))
    .leftJoin(serviceUsers, eq(serviceUsers.id, platformTokens.ownerServiceUserId))
    .leftJoin(creator, eq(creator.id, platformTokens.createdById))
    .where(tokenFilterCondition(accountId, query, now))
    .orderBy(...orderBy(query))
    .limit(query.size + 1)
    .offset((query.page - 1) * query.size);

  const page = found.slice(0, query.size);
  const environmentNames = await environmentsOf(
    db,
    page.filter((t) => !t.appliesToAccount).map((t) => t.id),
  );
  return {
    hasNextPage: found.length > query.size,
    rows: page.map((t) => ({
      publicId: t.publicId,
      tokenId: formatTokenId(t.publicId),
      name: t.name,
      state: tokenState(t, now),
      accountId: t.accountId,
      accountName: t.accountName,
      appliesToAccount: t.appliesToAccount,
      environments: environmentNames.get(t.id) ?? [],
      ownerEmail: t.ownerUserEmail ?? t.ownerServiceUserEmail ?? '',
      ownerIsServiceUser: t.ownerServiceUserEmail !== null,
      createdByEmail: t.createdByEmail,
      createdAt: t.createdAt,
      expiresAt: t.expiresAt,
      lastUsedAt: t.lastUsedAt,
      lastUsedIp: t.lastUsedIp,
    })),
  };
}

async function environmentsOf(db: Executor, tokenIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (tokenIds.length === 0) return out;
  const rows = await db
    .select({ tokenId: platformTokenEnvironments.tokenId, name: environments.name })
    .from(platformTokenEnvironments)
    .innerJoin(environments, eq(environments.id, platformTokenEnvironments.environmentId))
    .where(inArray(platformTokenEnvironments.tokenId, tokenIds))
    .orderBy(environments.name);
  for (const r of rows) out.set(r.tokenId, [...(out.get(r.tokenId) ?? []), r.name]);
  return out;
}

/** Past this many matches the list says "10,000+" instead of counting every token. */
export const COUNT_CAP = 10_000;

export interface TokenCount {
  count: number;
  /** True when there are more than `count` matches. */
  capped: boolean;
}

/** How many tokens match, counting at most `cap` of them so that a page view stays cheap. */
export async function countAccountTokens(
  db: Executor,
  actor: Actor,
  accountId: string,
  filter: AdminTokenFilter,
  now: Date,
  cap: number = COUNT_CAP,
): Promise<TokenCount> {
  assertAdminOf(actor, accountId);
  const matches = db
    .select({ one: sql`1` })
    .from(platformTokens)
    .where(tokenFilterCondition(accountId, filter, now))
    .limit(cap + 1)
    .as('matches');
  const [row] = await db.select({ n: count() }).from(matches);
  const n = row?.n ?? 0;
  return n > cap ? { count: cap, capped: true } : { count: n, capped: false };
}

export interface SelectionPreview {
  count: number;
  /** The first few token IDs, newest first, for the confirm dialog. */
  tokenIds: string[];
}

/** What "select all matching" would act on: the exact count, asked for only when the admin chooses it. */
export async function previewTokenSelection(
  db: Executor,
  actor: Actor,
  accountId: string,
  filter: AdminTokenFilter,
  now: Date,
  sample = 5,
): Promise<SelectionPreview> {
  assertAdminOf(actor, accountId);
  const where = tokenFilterCondition(accountId, filter, now);
  const [total] = await db.select({ n: count() }).from(platformTokens).where(where);
  const first = await db
    .select({ publicId: platformTokens.publicId })
    .from(platformTokens)
    .where(where)
    .orderBy(...orderBy({ sort: 'created', dir: 'desc' }))
    .limit(sample);
  return { count: total?.n ?? 0, tokenIds: first.map((t) => formatTokenId(t.publicId)) };
}
