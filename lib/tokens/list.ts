import { and, asc, desc, eq, inArray, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Executor } from '@/lib/db';
import { accounts, environments, platformTokenEnvironments, platformTokens, serviceUsers, users } from '@/lib/db/schema';
import { listedAsMine } from './access';
import { formatTokenId } from './format';
import { tokenState } from './status';
import type { TokenView } from './view';

const owners = alias(users, 'owner_user');
const creators = alias(users, 'creator_user');
const rotatedFrom = alias(platformTokens, 'rotated_from');
const rotatedTo = alias(platformTokens, 'rotated_to');

/** Reads tokens matching `where` as table rows, newest first. */
export async function loadTokenViews(db: Executor, where: SQL, now: Date): Promise<TokenView[]> {
  const rows = await db
    .select({
      id: platformTokens.id,
      publicId: platformTokens.publicId,
      name: platformTokens.name,
      accountId: platformTokens.accountId,
      accountName: accounts.name,
      accountMaxLifetimeDays: accounts.maxTokenLifetimeDays,
      status: platformTokens.status,
      appliesToAccount: platformTokens.appliesToAccount,
      ownerEmail: owners.email,
      serviceUserEmail: serviceUsers.email,
      serviceUserId: serviceUsers.id,
      createdByEmail: creators.email,
      createdById: platformTokens.createdById,
      ownerUserId: platformTokens.ownerUserId,
      scopes: platformTokens.scopes,
      expiresAt: platformTokens.expiresAt,
      createdAt: platformTokens.createdAt,
      lastUsedAt: platformTokens.lastUsedAt,
      lastUsedIp: platformTokens.lastUsedIp,
      rotatedAt: platformTokens.rotatedAt,
      allowedClientAddresses: platformTokens.allowedClientAddresses,
      rotatedFromPublicId: rotatedFrom.publicId,
      rotatedToPublicId: rotatedTo.publicId,
    })
    .from(platformTokens)
    .innerJoin(accounts, eq(accounts.id, platformTokens.accountId))
    .leftJoin(owners, eq(owners.id, platformTokens.ownerUserId))
    .leftJoin(serviceUsers, eq(serviceUsers.id, platformTokens.ownerServiceUserId))
    .leftJoin(creators, eq(creators.id, platformTokens.createdById))
    .leftJoin(rotatedFrom, eq(rotatedFrom.id, platformTokens.rotatedFromId))
    .leftJoin(rotatedTo, eq(rotatedTo.id, platformTokens.rotatedToId))
    .where(where)
    .orderBy(desc(platformTokens.createdAt), asc(platformTokens.id));

  const reach = new Map<string, { id: string; name: string }[]>();
  const ids = rows.filter((r) => !r.appliesToAccount).map((r) => r.id);
  if (ids.length > 0) {
    const envRows = await db
      .select({ tokenId: platformTokenEnvironments.tokenId, id: environments.id, name: environments.name })
      .from(platformTokenEnvironments)
      .innerJoin(environments, eq(environments.id, platformTokenEnvironments.environmentId))
      .where(inArray(platformTokenEnvironments.tokenId, ids))
      .orderBy(asc(environments.name));
    for (const e of envRows) {
      const list = reach.get(e.tokenId) ?? [];
      list.push({ id: e.id, name: e.name });
      reach.set(e.tokenId, list);
    }
  }

  return rows.map((r) => ({
    tokenId: formatTokenId(r.publicId),
    name: r.name,
    accountId: r.accountId,
    accountName: r.accountName,
    accountMaxLifetimeDays: r.accountMaxLifetimeDays,
    status: r.status,
    state: tokenState(r, now),
    appliesToAccount: r.appliesToAccount,
    environments: reach.get(r.id) ?? [],
    owner: {
      email: r.serviceUserEmail ?? r.ownerEmail ?? '',
      isServiceUser: r.serviceUserId !== null,
      serviceUserId: r.serviceUserId,
    },
    createdByEmail: r.createdByEmail,
    createdById: r.createdById,
    ownerUserId: r.ownerUserId,
    scopes: r.scopes,
    expiresAt: r.expiresAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    lastUsedIp: r.lastUsedIp,
    rotatedFromTokenId: r.rotatedFromPublicId ? formatTokenId(r.rotatedFromPublicId) : null,
    rotatedToTokenId: r.rotatedToPublicId ? formatTokenId(r.rotatedToPublicId) : null,
    rotatedAt: r.rotatedAt?.toISOString() ?? null,
    allowedClientAddresses: r.allowedClientAddresses ?? [],
  }));
}

/**
 * My platform tokens: every token the user generated or owns, across the accounts they are still
 * a member of (tokens the user generated for a service user included).
 */
export function listMyTokens(db: Executor, userId: string, now: Date): Promise<TokenView[]> {
  return loadTokenViews(db, listedAsMine(userId), now);
}

/** One token the user may see on My platform tokens, e.g. to prefill a duplicate; null otherwise. */
export async function findMyToken(db: Executor, userId: string, tokenId: string, now: Date): Promise<TokenView | null> {
  const publicId = tokenId.slice(tokenId.indexOf('.') + 1);
  const [view] = await loadTokenViews(
    db,
    and(eq(platformTokens.publicId, publicId), listedAsMine(userId))!,
    now,
  );
  return view ?? null;
}
