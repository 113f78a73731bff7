import type { Executor } from '@/lib/db';
import { AppError, NotFoundError } from '@/lib/errors';
import type { TokenFormInput } from '@/lib/validations/tokens';
import { authorizeTokenAction, type TokenActor } from './access';
import { isExpired } from './expiration';
import type { TokenFormAccount } from './form-options';
import { findMyToken } from './list';
import { composeName } from './names';
import type { TokenView } from './view';

export const DUPLICATE_PREFIX = 'Duplicate of: ';

/**
 * The create form prefilled from a token: every property of the original and the name
 * "Duplicate of: <name>". An expiry that has already passed is replaced by the original's
 * lifetime counted from `now`, since a new token cannot start out expired.
 */
export function duplicatePrefill(token: TokenView, now: Date): TokenFormInput {
  let expiresAt = token.expiresAt;
  if (expiresAt && isExpired(expiresAt, now)) {
    const lifetime = Math.max(Date.parse(expiresAt) - Date.parse(token.createdAt), 60 * 60 * 1000);
    expiresAt = new Date(now.getTime() + lifetime).toISOString();
  }
  return {
    name: composeName(DUPLICATE_PREFIX, token.name),
    expiration: expiresAt ? 'custom' : 'never',
    expiresAt: expiresAt ?? '',
    accountId: token.accountId,
    appliesToAccount: token.appliesToAccount,
    environmentIds: token.environments.map((e) => e.id),
    generateFor: token.owner.isServiceUser ? 'service-user' : 'myself',
    serviceUserId: token.owner.serviceUserId ?? '',
    scopes: [...token.scopes],
    allowedClientAddresses: token.allowedClientAddresses.join(', '),
  };
}

export type DuplicateSource = { ok: true; token: TokenView } | { ok: false; notFound: boolean; message: string };

/**
 * The token a duplicate's form is prefilled from, if the actor may duplicate it now: the same
 * people as for duplicating itself (its creator or owner, still a member, and still allowed to
 * use its service user). Whether token management is on is for the form and its submission.
 */
export async function findTokenToDuplicate(db: Executor, actor: TokenActor, tokenId: string, now: Date): Promise<DuplicateSource> {
  try {
    await authorizeTokenAction(db, actor, tokenId, 'prefill');
  } catch (error) {
    if (error instanceof AppError) return { ok: false, notFound: error instanceof NotFoundError, message: error.message };
    throw error;
  }
  const token = await findMyToken(db, actor.userId, tokenId, now);
  return token ? { ok: true, token } : { ok: false, notFound: true, message: `Token ${tokenId} was not found.` };
}

/**
 * The create form when it opens: the first account where tokens may be generated, all of its
 * current environments ticked (untick to narrow), 30 days.
 */
export function emptyTokenForm(accounts: readonly TokenFormAccount[]): TokenFormInput {
  const account = accounts.find((a) => a.allowTokenManagement);
  return {
    name: '',
    expiration: '30d',
    expiresAt: '',
    accountId: account?.id ?? '',
    appliesToAccount: false,
    environmentIds: account?.environments.map((e) => e.id) ?? [],
    generateFor: 'myself',
    serviceUserId: '',
    scopes: [],
    allowedClientAddresses: '',
  };
}
