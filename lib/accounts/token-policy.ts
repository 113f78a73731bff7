import { eq } from 'drizzle-orm';
import { recordAudit } from '@/lib/audit';
import type { Actor } from '@/lib/auth/users';
import { transactWithChanges } from '@/lib/changes';
import type { Db, Executor } from '@/lib/db';
import { accounts } from '@/lib/db/schema';
import { NotFoundError } from '@/lib/errors';
import { lockAccount } from './account-locks';
import { assertAdminNow, NOT_AN_ADMIN_MESSAGE } from './admin-access';

/** An account's "Token policy" (PRODUCT.md §11); null is "no maximum" and "never". */
export interface TokenPolicy {
  maxLifetimeDays: number | null;
  disableUnusedDays: number | null;
}

export interface TokenPolicyResult {
  policy: TokenPolicy;
  /** False when the account already had this policy (nothing was recorded). */
  changed: boolean;
}

export async function loadTokenPolicy(db: Executor, accountId: string): Promise<TokenPolicy> {
  const [row] = await db
    .select({ maxLifetimeDays: accounts.maxTokenLifetimeDays, disableUnusedDays: accounts.disableUnusedTokensDays })
    .from(accounts)
    .where(eq(accounts.id, accountId));
  return row ?? { maxLifetimeDays: null, disableUnusedDays: null };
}

/**
 * Sets the account's token policy. Generating, duplicating and rotating read "Maximum lifetime"
 * under the same row's share lock, so a token started before this commits is judged by the old
 * one and every later one by the new; existing tokens keep their expiry.
 */
export async function setTokenPolicy(db: Db, actor: Actor, accountId: string, policy: TokenPolicy): Promise<TokenPolicyResult> {
  return transactWithChanges(db, async (tx, publish) => {
    // The account row before the admin's membership, as in every transaction (lib/accounts/account-locks.ts).
    const account = await lockAccount(tx, accountId, 'no key update');
    await assertAdminNow(tx, actor, accountId);
    if (!account) throw new NotFoundError(NOT_AN_ADMIN_MESSAGE);
    const next = { maxLifetimeDays: policy.maxLifetimeDays, disableUnusedDays: policy.disableUnusedDays };
    const previous = { maxLifetimeDays: account.maxTokenLifetimeDays, disableUnusedDays: account.disableUnusedTokensDays };
    if (previous.maxLifetimeDays === next.maxLifetimeDays && previous.disableUnusedDays === next.disableUnusedDays) {
      return { policy: next, changed: false };
    }
    await tx
      .update(accounts)
      .set({ maxTokenLifetimeDays: next.maxLifetimeDays, disableUnusedTokensDays: next.disableUnusedDays })
      .where(eq(accounts.id, accountId));
    await recordAudit(tx, actor, {
      accountId,
      action: 'account.token_policy_changed',
      targetName: account.name,
      details: {
        maxLifetimeDays: next.maxLifetimeDays,
        disableUnusedDays: next.disableUnusedDays,
        previous,
      },
    });
    publish({ kind: 'account', accountId });
    return { policy: next, changed: true };
  });
}
