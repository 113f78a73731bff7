import { count } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '@/lib/db';
import { auditEvents, groupMembers, groups, policies, policyBindings, serviceUsers } from '@/lib/db/schema';

/** Row counts of everything IAM changes touch, to show that a refused change changed nothing. */
export async function iamSnapshot(db: Db) {
  const n = async (table: PgTable) =>
    (await db.select({ n: count() }).from(table))[0]!.n;
  return {
    groups: await n(groups),
    groupMembers: await n(groupMembers),
    policies: await n(policies),
    bindings: await n(policyBindings),
    serviceUsers: await n(serviceUsers),
    auditEvents: await n(auditEvents),
  };
}
