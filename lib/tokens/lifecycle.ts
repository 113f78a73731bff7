import { eq } from 'drizzle-orm';
import { recordAudit } from '@/lib/audit';
import { transactWithChanges } from '@/lib/changes';
import type { Db } from '@/lib/db';
import { platformTokens, type TokenStatus } from '@/lib/db/schema';
import { formatTokenId } from './format';
import { authorizeTokenAction, type TokenActor } from './access';

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
