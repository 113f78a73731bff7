import { eq } from 'drizzle-orm';
import { assertAdminOf } from '@/lib/accounts/admin-access';
import { loadActor, type Actor } from '@/lib/auth/users';
import { platformTokens } from '@/lib/db/schema';
import { NotFoundError, ValidationError } from '@/lib/errors';
import type { PlatformContext } from '../endpoint';
import { badRequest, forbidden } from '../errors';

// Who an account-level call acts as (PRODUCT.md §12). The token acts as its owner, with the
// owner's live rights: for the account-wide endpoints that is being an admin of the account now,
// loaded afresh for every call; the domain functions then check their own rules as they do for
// the pages. A service user is nobody's admin, so its tokens manage nothing but themselves.

export const ADMIN_OWNER_MESSAGE =
  "Account management needs a token whose owner is an admin of the account now; this token's owner is not.";

/** The token's owner as the domain's actor, when they are an admin of the account now; else 403. */
export async function accountAdmin(ctx: PlatformContext): Promise<Actor> {
  if (ctx.owner.kind !== 'user') throw forbidden(ADMIN_OWNER_MESSAGE);
  const actor = await loadActor(ctx.db, ctx.owner.userId);
  if (!actor) throw forbidden(ADMIN_OWNER_MESSAGE);
  try {
    assertAdminOf(actor, ctx.accountId);
  } catch (error) {
    if (error instanceof NotFoundError) throw forbidden(ADMIN_OWNER_MESSAGE);
    throw error;
  }
  return actor;
}

/**
 * The person a token's own rotation acts as: whoever generated it (for a person's own token, that
 * person), who alone may hand out a new secret acting as its owner (rule 8).
 */
export async function tokenCreator(ctx: PlatformContext): Promise<Actor> {
  const [row] = await ctx.db.select({ createdById: platformTokens.createdById }).from(platformTokens).where(eq(platformTokens.id, ctx.token.id));
  const actor = row?.createdById ? await loadActor(ctx.db, row.createdById) : null;
  if (!actor) throw forbidden(`The person who generated ${ctx.token.tokenId} is no longer here, so it cannot rotate itself.`);
  return actor;
}

/**
 * A refusal of a domain function worded for the API: the field of the request it concerns, named
 * as the request names it (`fields` maps the domain's field names onto the request's).
 */
export function asRequestError(error: unknown, fields: Readonly<Record<string, string>>): unknown {
  if (!(error instanceof ValidationError)) return error;
  const [field] = Object.keys(error.fieldErrors);
  const named = field === undefined ? undefined : fields[field];
  return named ? badRequest(`Invalid request body field '${named}': ${error.fieldErrors[field!]}`) : error;
}
