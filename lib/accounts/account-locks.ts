import { and, eq } from 'drizzle-orm';
import type { Executor } from '@/lib/db';
import { accountMembers, accounts, type Account, type MemberRole } from '@/lib/db/schema';

// The order in which every transaction locks the rows of an account: the account row first, then
// membership rows, then what the account holds (environments, service users, tokens, groups,
// policies). Token operations lock the account row for "Allow to manage platform tokens" and the
// token policy, and the actor's membership for their role and their token limit; changing who is a
// member or an admin, and changing those settings, lock the same two rows. In one order, each of
// them waits for the other instead of both waiting in a circle until PostgreSQL aborts one. A
// transaction that locks rows of two accounts (a duplicate into another account) takes the
// account row and membership of one before those of the other, the accounts in the order of
// their IDs.
//
// A change of members or of the account's settings locks the account row `no key update`: enough
// to queue behind every token operation's share lock and behind one another, while the key share
// lock that inserting a row of the account takes (an audit event, a group, an invitation) still
// goes through. The other admin operations lock only the admin's membership
// (lib/accounts/admin-access.ts) and then insert such rows; they would otherwise wait for a
// demotion of that admin that waits for them.

/**
 * The account row, locked as strongly as the transaction needs (null: read without a lock, for a
 * view that changes nothing); undefined if there is none.
 */
export async function lockAccount(tx: Executor, accountId: string, strength: 'no key update' | 'share' | null): Promise<Account | undefined> {
  const query = tx.select().from(accounts).where(eq(accounts.id, accountId));
  const [account] = await (strength ? query.for(strength) : query);
  return account;
}

/** A person's membership of the account, locked (null: read without a lock); take the account row first if at all. */
export async function lockMembership(
  tx: Executor,
  accountId: string,
  userId: string,
  strength: 'update' | 'share' | null,
): Promise<{ role: MemberRole } | undefined> {
  const query = tx
    .select({ role: accountMembers.role })
    .from(accountMembers)
    .where(and(eq(accountMembers.accountId, accountId), eq(accountMembers.userId, userId)));
  const [member] = await (strength ? query.for(strength) : query);
  return member;
}
