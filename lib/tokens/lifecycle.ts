import { eq } from 'drizzle-orm';
import { recordAudit } from '@/lib/audit';
import { transactWithChanges } from '@/lib/changes';
import type { Db } from '@/lib/db';
import { platformTokens, type TokenStatus } from '@/lib/db/schema';
import { ValidationError } from '@/lib/errors';
import { formatTokenId } from './format';
import { authorizeTokenAction, type TokenActor } from './access';
import { resolveExpiryWithin, type ExpirationChoice } from './expiration';

export interface TokenChangeResult {
  tokenId: string;
  name: string;
  /** False when the token already was in the requested state. */
  changed: boolean;
}

async function setStatus(db: Db, actor: TokenActor, tokenId: string, status: TokenStatus): Promise<TokenChangeResult> {
  return transactWithChanges(db, async (tx, publish) => {
    // An admin who switched token management off may have disabled tokens on purpose; only an
    // admin may bring one back while it is off (disabling stays open to everyone, rule 7).
    const { token } = await authorizeTokenAction(tx, actor, tokenId, status === 'active' ? 'enable' : 'disable');
    const result = { tokenId: formatTokenId(token.publicId), name: token.name };
    if (token.status === status) return { ...result, changed: false };
    await tx.update(platformTokens).set({ status }).where(eq(platformTokens.id, token.id));
    await recordAudit(tx, actor, {
      accountId: token.accountId,
      action: status === 'active' ? 'token.enabled' : 'token.disabled',
      tokenId: result.tokenId,
      targetName: token.name,
    });
    publish({ kind: 'token', publicId: token.publicId });
    return { ...result, changed: true };
  });
}

/** Disables a token the actor may act on; it stops working at once and can be enabled again. */
export function disableToken(db: Db, actor: TokenActor, tokenId: string): Promise<TokenChangeResult> {
  return setStatus(db, actor, tokenId, 'disabled');
}

export function enableToken(db: Db, actor: TokenActor, tokenId: string): Promise<TokenChangeResult> {
  return setStatus(db, actor, tokenId, 'active');
}

/** Deletes a token the actor may act on, for good; the audit log keeps its token ID and name. */
export async function deleteToken(db: Db, actor: TokenActor, tokenId: string): Promise<TokenChangeResult> {
  return transactWithChanges(db, async (tx, publish) => {
    const { token } = await authorizeTokenAction(tx, actor, tokenId, 'delete');
    await tx.delete(platformTokens).where(eq(platformTokens.id, token.id));
    const id = formatTokenId(token.publicId);
    await recordAudit(tx, actor, { accountId: token.accountId, action: 'token.deleted', tokenId: id, targetName: token.name });
    publish({ kind: 'token', publicId: token.publicId });
    return { tokenId: id, name: token.name, changed: true };
  });
}

export function supersededExpiryMessage(tokenId: string, expiresAt: Date | null): string {
  const until = expiresAt ? ` (at the latest ${expiresAt.toISOString()})` : '';
  return `The token ${tokenId} was replaced by a rotation: its expiration can only be brought forward${until}, not extended or removed.`;
}

/**
 * Sets a new expiration of a token the actor may enable (a later date keeps it working longer):
 * a preset or a custom date in the future, or never, by the one expiry rule.
 */
export async function changeTokenExpiration(
  db: Db,
  actor: TokenActor,
  tokenId: string,
  expiration: { choice: ExpirationChoice; customIso: string },
  now: Date,
): Promise<TokenChangeResult & { expiresAt: Date | null }> {
  return transactWithChanges(db, async (tx, publish) => {
    const { token, maxLifetimeDays } = await authorizeTokenAction(tx, actor, tokenId, 'change-expiration');
    const expiry = resolveExpiryWithin(expiration.choice, expiration.customIso, maxLifetimeDays, now);
    if (!expiry.ok) throw ValidationError.field('expiresAt', expiry.message);
    // A token replaced by a rotation works only for the rest of its overlap, which rule 2 counts
    // on: its end may come sooner, never later.
    if (token.rotatedAt !== null && (expiry.expiresAt === null || (token.expiresAt !== null && expiry.expiresAt > token.expiresAt))) {
      throw ValidationError.field('expiresAt', supersededExpiryMessage(formatTokenId(token.publicId), token.expiresAt));
    }
    const result = { tokenId: formatTokenId(token.publicId), name: token.name, expiresAt: expiry.expiresAt };
    if ((token.expiresAt?.getTime() ?? null) === (expiry.expiresAt?.getTime() ?? null)) return { ...result, changed: false };
    await tx.update(platformTokens).set({ expiresAt: expiry.expiresAt }).where(eq(platformTokens.id, token.id));
    await recordAudit(tx, actor, {
      accountId: token.accountId,
      action: 'token.expiration_changed',
      tokenId: result.tokenId,
      targetName: token.name,
      details: { from: token.expiresAt?.toISOString() ?? null, to: expiry.expiresAt?.toISOString() ?? null },
    });
    publish({ kind: 'token', publicId: token.publicId });
    return { ...result, changed: true };
  });
}
