import { count } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { onChanges, type Change } from '@/lib/changes';
import type { Db } from '@/lib/db';
import { auditEvents, groupMembers, groups, policies, policyBindings, serviceUsers, users } from '@/lib/db/schema';
import type { IamActor } from './admin-guard';

/** Demo identities by email: users and service users, with an actor for each user. */
export async function demoIdentities(db: Db) {
  const ids: Record<string, string> = {};
  const actors: Record<string, IamActor> = {};
  for (const u of await db.select().from(users)) {
    ids[u.email] = u.id;
    actors[u.email] = { userId: u.id, email: u.email };
  }
  for (const s of await db.select().from(serviceUsers)) ids[`${s.accountId}/${s.email}`] = s.id;
  return {
    id: (key: string) => {
      const value = ids[key];
      if (!value) throw new Error(`no demo identity ${key}`);
      return value;
    },
    actor: (email: string) => actors[email]!,
  };
}

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

/** Collects the changes published while `work` runs. */
export async function publishedDuring(work: () => Promise<unknown>): Promise<Change[]> {
  const seen: Change[] = [];
  const stop = onChanges((changes) => seen.push(...changes));
  try {
    await work();
  } finally {
    stop();
  }
  return seen;
}
