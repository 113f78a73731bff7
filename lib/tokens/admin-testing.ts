// What the admin token tests compare before and after a change.
import { asc, count } from 'drizzle-orm';
import type { Db } from '@/lib/db';
import { accounts, auditEvents, platformTokenEnvironments, platformTokens } from '@/lib/db/schema';

/** Everything an admin token change could touch, to show that a refused one touched nothing. */
export async function adminSnapshot(db: Db) {
  return {
    tokens: await db
      .select({ publicId: platformTokens.publicId, status: platformTokens.status, accountId: platformTokens.accountId })
      .from(platformTokens)
      .orderBy(asc(platformTokens.publicId)),
    environments: (await db.select({ n: count() }).from(platformTokenEnvironments))[0]!.n,
    audit: (await db.select({ n: count() }).from(auditEvents))[0]!.n,
    accounts: await db.select({ id: accounts.id, allow: accounts.allowTokenManagement }).from(accounts).orderBy(accounts.id),
  };
}
