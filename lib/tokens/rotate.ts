import { eq } from 'drizzle-orm';
import { recordAudit } from '@/lib/audit';
import { transactWithChanges } from '@/lib/changes';
import type { Db, Tx } from '@/lib/db';
import { environments, platformTokenEnvironments, platformTokens, type PlatformToken } from '@/lib/db/schema';
import { ConflictError, ValidationError } from '@/lib/errors';
import type { RotateTokenValues } from '@/lib/validations/rotation';
import { authorizeTokenAction, type TokenActor } from './access';
import { resolveExpiryWithin } from './expiration';
import { formatTokenId } from './format';
import type { GeneratedSecret } from './generate';
import { insertToken } from './insert';
import { assertBelowLimit, TOKEN_LIMIT, type GenerationGrant } from './limits';
import { checkOldExpiry, rotationRefusal } from './rotation-proposals';
import { tokenState } from './status';

export interface RotatedToken extends GeneratedSecret {
  oldTokenId: string;
  /** When the old token stops working (now, for "Immediately"). */
  oldExpiresAt: string;
}

function laterAtLimitMessage(accountName: string): string {
  return `You already have ${TOKEN_LIMIT} platform tokens in ${accountName}, the most allowed, and the old token would count until it expires. Choose "Immediately", or delete a token first.`;
}

/** Only an active token that has not been rotated yet can be rotated. */
async function assertRotatable(tx: Tx, token: PlatformToken, now: Date): Promise<void> {
  const rotated = token.rotatedAt !== null || token.rotatedToId !== null;
  const [successor] =
    rotated && token.rotatedToId
      ? await tx.select({ publicId: platformTokens.publicId }).from(platformTokens).where(eq(platformTokens.id, token.rotatedToId))
      : [];
  const refusal = rotationRefusal({
    tokenId: formatTokenId(token.publicId),
    state: tokenState(token, now),
    rotated,
    successorTokenId: successor ? formatTokenId(successor.publicId) : null,
  });
  if (refusal) throw new ConflictError(refusal);
}

/**
 * Replaces a token without downtime: a new token with the same account, reach, owner and scopes,
 * linked both ways to the old one, whose expiry moves to `oldExpiresAt` (or now, "Immediately").
 * The new token, the old one's expiry and the audit events commit together or not at all.
 */
export async function rotateToken(db: Db, actor: TokenActor, input: RotateTokenValues, now: Date): Promise<RotatedToken> {
  return transactWithChanges(db, async (tx, publish) => {
    // Only the token's creator (or owner) may, while a member, token management is on and,
    // for a service user's token, while they may use that service user. The membership row stays
    // locked, as for generating, so that the limit below holds.
    const { token: old, accountName, role, maxLifetimeDays } = await authorizeTokenAction(tx, actor, input.tokenId, 'rotate');
    await assertRotatable(tx, old, now);
    const grant: GenerationGrant = { accountId: old.accountId, accountName, role, maxLifetimeDays };

    const errors: Record<string, string> = {};
    let oldExpiresAt = now;
    if (input.expireOld === 'later') {
      oldExpiresAt = new Date(input.oldExpiresAt);
      const bound = checkOldExpiry(oldExpiresAt, old.expiresAt, now);
      if (!bound.ok) errors.oldExpiresAt = bound.message;
    }
    const expiry = resolveExpiryWithin(input.expiration, input.expiresAt, maxLifetimeDays, now);
    if (!expiry.ok) errors.expiresAt = expiry.message;
    if (!expiry.ok || Object.keys(errors).length > 0) throw new ValidationError(Object.values(errors)[0]!, errors);

    // The old token counts until its overlap ends: with "Immediately" a rotation works at the
    // limit, with "Later" it needs a free place, so no rotation yields more working tokens.
    const oldStopsNow = oldExpiresAt.getTime() <= now.getTime();
    await assertBelowLimit(
      tx,
      grant,
      actor.userId,
      now,
      oldStopsNow
        ? { excludingTokenId: old.id }
        : { refusal: () => ValidationError.field('expireOld', laterAtLimitMessage(grant.accountName)) },
    );

    // Locked as a generation locks the environments it names (generate.ts): one deleted meanwhile
    // is waited for and left out, rather than failing the successor's insert on its foreign key.
    const reach = await tx
      .select({ environmentId: platformTokenEnvironments.environmentId })
      .from(platformTokenEnvironments)
      .innerJoin(environments, eq(environments.id, platformTokenEnvironments.environmentId))
      .where(eq(platformTokenEnvironments.tokenId, old.id))
      .for('key share', { of: environments });
    // Its environments deleted since it was made: a successor would reach nothing, as no new token may.
    if (!old.appliesToAccount && reach.length === 0) {
      throw new ConflictError(
        `${formatTokenId(old.publicId)} reaches no environment any more: its environments were deleted. Generate a new token for the environments it should reach.`,
      );
    }
    const fresh = await insertToken(tx, {
      accountId: old.accountId,
      name: input.name,
      ownerUserId: old.ownerUserId,
      ownerServiceUserId: old.ownerServiceUserId,
      createdById: actor.userId,
      scopes: old.scopes,
      appliesToAccount: old.appliesToAccount,
      environmentIds: reach.map((r) => r.environmentId),
      expiresAt: expiry.expiresAt,
      createdAt: now,
      rotatedFromId: old.id,
      allowedClientAddresses: old.allowedClientAddresses ?? [],
    });
    await tx
      .update(platformTokens)
      .set({ rotatedToId: fresh.id, rotatedAt: now, expiresAt: oldExpiresAt })
      .where(eq(platformTokens.id, old.id));

    const oldTokenId = formatTokenId(old.publicId);
    await recordAudit(tx, actor, [
      {
        accountId: old.accountId,
        action: 'token.rotated',
        tokenId: oldTokenId,
        targetName: old.name,
        details: { rotatedTo: fresh.tokenId, expireOld: input.expireOld, oldExpiresAt: oldExpiresAt.toISOString() },
      },
      {
        accountId: old.accountId,
        action: 'token.generated',
        tokenId: fresh.tokenId,
        targetName: input.name,
        details: { rotatedFrom: oldTokenId, scopes: old.scopes, expiresAt: expiry.expiresAt?.toISOString() ?? null },
      },
    ]);
    publish({ kind: 'token', publicId: old.publicId });
    publish({ kind: 'token', publicId: fresh.publicId });
    return {
      tokenId: fresh.tokenId,
      name: input.name,
      accountName: grant.accountName,
      token: fresh.token,
      oldTokenId,
      oldExpiresAt: oldExpiresAt.toISOString(),
    };
  });
}
