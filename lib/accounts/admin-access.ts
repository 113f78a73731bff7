import { isAdminOf, type Actor } from '@/lib/auth/users';
import type { Executor } from '@/lib/db';
import { NotFoundError } from '@/lib/errors';
import { lockMembership } from './account-locks';

// The one rule for admin-only views and changes of an account: anyone who is not its admin now is
// answered as if the account did not exist. Pages show their 404, actions and the platform API
// this one message.

export const NOT_AN_ADMIN_MESSAGE = 'This account does not exist or you are not one of its admins.';

/** For reads: the actor's memberships were loaded live for this request. */
export function assertAdminOf(actor: Actor, accountId: string): void {
  if (!isAdminOf(actor, accountId)) throw new NotFoundError(NOT_AN_ADMIN_MESSAGE);
}

/**
 * For every admin operation, called inside its transaction: the membership row is read with a
 * share lock, so a demotion that just committed counts and one that is under way waits for the
 * change (or the change for it) instead of racing it. A change that locks the account row too
 * locks it before this (lib/accounts/account-locks.ts).
 */
export async function assertAdminNow(db: Executor, actor: { userId: string }, accountId: string): Promise<void> {
  const member = await lockMembership(db, accountId, actor.userId, 'share');
  if (member?.role !== 'admin') throw new NotFoundError(NOT_AN_ADMIN_MESSAGE);
}
