import { eq } from 'drizzle-orm';
import { recordAudit } from '@/lib/audit';
import type { Actor } from '@/lib/auth/users';
import { transactWithChanges } from '@/lib/changes';
import type { Db } from '@/lib/db';
import { accounts } from '@/lib/db/schema';
import { NotFoundError } from '@/lib/errors';
import { lockAccount } from './account-locks';
import { assertAdminNow, NOT_AN_ADMIN_MESSAGE } from './admin-access';

export interface TokenManagementResult {
  allow: boolean;
  /** False when the account already had this setting (nothing was recorded). */
  changed: boolean;
}

/**
 * "Allow to manage platform tokens" (PRODUCT.md §3 rule 7). The token operations read the setting
 * when they generate, duplicate or rotate; existing tokens are not touched either way.
 */
export async function setTokenManagement(db: Db, actor: Actor, accountId: string, allow: boolean): Promise<TokenManagementResult> {
  return transactWithChanges(db, async (tx, publish) => {
    // The row lock orders concurrent toggles, so each recorded event is a real change; it comes
    // before the admin's membership, as in every transaction (lib/accounts/account-locks.ts).
    const account = await lockAccount(tx, accountId, 'no key update');
    await assertAdminNow(tx, actor, accountId);
    if (!account) throw new NotFoundError(NOT_AN_ADMIN_MESSAGE);
    if (account.allowTokenManagement === allow) return { allow, changed: false };
    await tx.update(accounts).set({ allowTokenManagement: allow }).where(eq(accounts.id, accountId));
    await recordAudit(tx, actor, {
      accountId,
      action: allow ? 'account.token_management_allowed' : 'account.token_management_denied',
      targetName: account.name,
    });
    publish({ kind: 'account', accountId });
    return { allow, changed: true };
  });
}
