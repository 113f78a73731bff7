import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  accountMembers,
  groupMembers,
  groups,
  policies,
  policyBindingEnvironments,
  policyBindings,
  serviceUsers,
  users,
} from '@/lib/db/schema';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { checkPermission, type Principal } from '@/lib/iam/effective-permissions';
import { PERMISSIONS } from '@/lib/iam/permissions';
import { evaluatePermission } from '@/lib/iam/policy-evaluator';
import { insertTestToken } from './testing';
import { ownerInEnvironment } from './verification-cache';
import { loadVerificationRecord } from './verification-record';

// The one-query lookup of verification must grant exactly what lib/iam grants.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db;
  // A binding limited to one environment, and a user who left the account, to cover both rules.
  const [group] = await db.insert(groups).values({ accountId: 'acme', name: 'Staging deployers' }).returning();
  const [policy] = await db
    .insert(policies)
    .values({ accountId: 'acme', name: 'Staging only', statements: 'ALLOW email:emails:send;\nDENY state:app-states:write;' })
    .returning();
  const [bob] = await db.select().from(users).where(eq(users.email, 'bob@example.com'));
  const [exporter] = await db.select().from(serviceUsers).where(eq(serviceUsers.email, 'exporter@service.example.com'));
  await db.insert(groupMembers).values([{ groupId: group!.id, userId: bob!.id }, { groupId: group!.id, serviceUserId: exporter!.id }]);
  const [binding] = await db.insert(policyBindings).values({ groupId: group!.id, policyId: policy!.id, accountWide: false }).returning();
  await db.insert(policyBindingEnvironments).values({ bindingId: binding!.id, environmentId: 'acme-staging' });
});
afterAll(() => database.close());

const OWNERS: { accountId: string; owner: string }[] = [
  { accountId: 'acme', owner: 'alice@example.com' },
  { accountId: 'acme', owner: 'bob@example.com' },
  { accountId: 'acme', owner: 'admin@example.com' },
  { accountId: 'acme', owner: 'ci-bot@service.example.com' },
  { accountId: 'acme', owner: 'exporter@service.example.com' },
  { accountId: 'globex', owner: 'alice@example.com' },
  { accountId: 'globex', owner: 'admin@example.com' },
];
const ENVIRONMENTS: Record<string, string[]> = { acme: ['acme-prod', 'acme-staging'], globex: ['globex-prod'] };

async function compareAll(): Promise<number> {
  const db = database.db;
  let compared = 0;
  for (const { accountId, owner } of OWNERS) {
    const t = await insertTestToken(db, { accountId, owner, scopes: ['document:documents:read'] });
    for (const environmentId of ENVIRONMENTS[accountId]!) {
      const record = await loadVerificationRecord(db, t.publicId, environmentId);
      expect(record.environmentAccountId).toBe(accountId);
      const principal: Principal = record.token!.owner;
      const { policies: inEffect } = ownerInEnvironment(
        { ...record.ownerPolicies!, accountId, byEnvironment: new Map() },
        environmentId,
      );
      for (const { name } of PERMISSIONS) {
        const expected = await checkPermission(db, accountId, principal, environmentId, name);
        expect(evaluatePermission(inEffect, { permission: name }).allowed, `${owner} ${environmentId} ${name}`).toBe(expected.allowed);
        compared++;
      }
    }
  }
  return compared;
}

it('grants what checkPermission grants, for every demo owner, environment and permission', async () => {
  expect(await compareAll()).toBeGreaterThan(100);
});

it('still agrees once a user has left the account', async () => {
  const [bob] = await database.db.select().from(users).where(eq(users.email, 'bob@example.com'));
  await database.db.delete(accountMembers).where(and(eq(accountMembers.accountId, 'acme'), eq(accountMembers.userId, bob!.id)));
  const t = await insertTestToken(database.db, { owner: 'bob@example.com', scopes: ['document:documents:read'] });
  const record = await loadVerificationRecord(database.db, t.publicId, 'acme-prod');
  expect(record.ownerPolicies?.bindings).toEqual([]);
  await compareAll();
});

it('reads nothing about an unknown token', async () => {
  expect(await loadVerificationRecord(database.db, 'A'.repeat(24), 'acme-prod')).toEqual({
    token: null,
    environmentAccountId: null,
    ownerPolicies: null,
  });
});
