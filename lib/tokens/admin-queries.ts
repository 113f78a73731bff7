import { count, eq, inArray, sql } from 'drizzle-orm';
import { assertAdminOf } from '@/lib/accounts/admin-access';
import type { Actor } from '@/lib/auth/users';
import type { Executor } from '@/lib/db';
import { accounts, environments, platformTokenEnvironments, platformTokens, serviceUsers, users, type TokenStatus } from '@/lib/db/schema';
import type { AdminTokenFilter, AdminTokenListQuery } from '@/lib/validations/admin-tokens';
import { resolveTokenFilter, tokenFilterCondition, tokenOrder, tokenPageCondition } from './admin-filter';
import { formatTokenId } from './format';
import { tokenState, type TokenState } from './status';

// Every query here is scoped to one account and answers only its admins. The list is O(page):
// each sort walks an index in order and stops after the page (see admin-filter.ts); the count
// is capped.

export interface AdminTokenRow {
  publicId: string;
  tokenId: string;
  name: string;
  status: TokenStatus;
  state: TokenState;
  accountId: string;
  accountName: string;
  /** The account's "Maximum lifetime" in days, null for none. */
  accountMaxLifetimeDays: number | null;
  appliesToAccount: boolean;
  environments: string[];
  ownerEmail: string;
  ownerIsServiceUser: boolean;
  createdByEmail: string | null;
  createdById: string | null;
  ownerUserId: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  rotatedAt: Date | null;
  rotatedToTokenId: string | null;
  rotatedFromTokenId: string | null;
}

export interface AdminTokenPage {
  rows: AdminTokenRow[];
  hasNextPage: boolean;
}

/**
 * One page of the account's tokens, with owner, creator and environments for that page only.
 * The page is chosen from the tokens alone (the planner then walks the sort's index and stops),
 * and the names around it are looked up for those few rows.
 */
export async function listAccountTokens(
  db: Executor,
  actor: Actor,
  accountId: string,
  query: AdminTokenListQuery,
  now: Date,
): Promise<AdminTokenPage> {
  assertAdminOf(actor, accountId);
  const order = tokenOrder(query);
  const offset = (query.page - 1) * query.size;
  const found = await db
    .select({
      id: platformTokens.id,
      publicId: platformTokens.publicId,
      name: platformTokens.name,
      status: platformTokens.status,
      appliesToAccount: platformTokens.appliesToAccount,
      ownerUserId: platformTokens.ownerUserId,
      ownerServiceUserId: platformTokens.ownerServiceUserId,
      createdById: platformTokens.createdById,
      createdAt: platformTokens.createdAt,
      expiresAt: platformTokens.expiresAt,
      lastUsedAt: platformTokens.lastUsedAt,
      lastUsedIp: platformTokens.lastUsedIp,
      rotatedAt: platformTokens.rotatedAt,
      rotatedToId: platformTokens.rotatedToId,
      rotatedFromId: platformTokens.rotatedFromId,
    })
    .from(platformTokens)
    .where(tokenPageCondition(await resolveTokenFilter(db, accountId, query, now), order, offset + query.size + 1))
    .orderBy(...order)
    .limit(query.size + 1)
    .offset(offset);

  const page = found.slice(0, query.size);
  const [account] = await db
    .select({ name: accounts.name, maxLifetimeDays: accounts.maxTokenLifetimeDays })
    .from(accounts)
    .where(eq(accounts.id, accountId));
  const people = await emailsOf(db, users, page.flatMap((t) => [t.ownerUserId, t.createdById]));
  const services = await emailsOf(db, serviceUsers, page.map((t) => t.ownerServiceUserId));
  const linked = await publicIdsOf(db, page.flatMap((t) => [t.rotatedToId, t.rotatedFromId]));
  const environmentNames = await environmentsOf(
    db,
    page.filter((t) => !t.appliesToAccount).map((t) => t.id),
  );
  return {
    hasNextPage: found.length > query.size,
    rows: page.map((t) => {
      const serviceEmail = t.ownerServiceUserId ? services.get(t.ownerServiceUserId) : undefined;
      return {
        publicId: t.publicId,
        tokenId: formatTokenId(t.publicId),
        name: t.name,
        status: t.status,
        state: tokenState(t, now),
        accountId,
        accountName: account?.name ?? accountId,
        accountMaxLifetimeDays: account?.maxLifetimeDays ?? null,
        appliesToAccount: t.appliesToAccount,
        environments: environmentNames.get(t.id) ?? [],
        ownerEmail: serviceEmail ?? (t.ownerUserId ? people.get(t.ownerUserId) : undefined) ?? '',
        ownerIsServiceUser: serviceEmail !== undefined,
        createdByEmail: (t.createdById ? people.get(t.createdById) : undefined) ?? null,
        createdById: t.createdById,
        ownerUserId: t.ownerUserId,
        createdAt: t.createdAt,
        expiresAt: t.expiresAt,
        lastUsedAt: t.lastUsedAt,
        lastUsedIp: t.lastUsedIp,
        rotatedAt: t.rotatedAt,
        rotatedToTokenId: t.rotatedToId ? (linked.get(t.rotatedToId) ?? null) : null,
        rotatedFromTokenId: t.rotatedFromId ? (linked.get(t.rotatedFromId) ?? null) : null,
      };
    }),
  };
}

async function emailsOf(
  db: Executor,
  table: typeof users | typeof serviceUsers,
  ids: (string | null)[],
): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db.select({ id: table.id, email: table.email }).from(table).where(inArray(table.id, wanted));
  return new Map(rows.map((r) => [r.id, r.email]));
}

/** Token IDs of the tokens the page's tokens were rotated from or to. */
async function publicIdsOf(db: Executor, ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db
    .select({ id: platformTokens.id, publicId: platformTokens.publicId })
    .from(platformTokens)
    .where(inArray(platformTokens.id, wanted));
  return new Map(rows.map((r) => [r.id, formatTokenId(r.publicId)]));
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

/** Past this many matches the list says "1,000+" instead of counting every token. */
export const COUNT_CAP = 1_000;

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
    .where(tokenPageCondition(await resolveTokenFilter(db, accountId, filter, now), undefined, cap + 1))
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
  const where = tokenFilterCondition(await resolveTokenFilter(db, accountId, filter, now));
  const [total] = await db.select({ n: count() }).from(platformTokens).where(where);
  const first = await db
    .select({ publicId: platformTokens.publicId })
    .from(platformTokens)
    .where(where)
    .orderBy(...tokenOrder({ sort: 'created', dir: 'desc' }))
    .limit(sample);
  return { count: total?.n ?? 0, tokenIds: first.map((t) => formatTokenId(t.publicId)) };
}
