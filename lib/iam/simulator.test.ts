import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groups } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { demoIdentities, type DemoIdentities } from '@/lib/testing/demo';
import { bindPolicy } from './binding-operations';
import { createPolicy } from './policy-operations';
import { simulatePermission } from './simulator';
import { NOT_AN_ADMIN_MESSAGE } from '@/lib/accounts/admin-access';

const NOT_AN_ADMIN = { name: 'NotFoundError', message: NOT_AN_ADMIN_MESSAGE };

describe(`policy simulator (${testBackend})`, () => {
  let database: TestDatabase;
  let demo: DemoIdentities;
  const admin = () => demo.actor('admin@example.com');

  beforeAll(async () => {
    database = await createTestDatabase();
    demo = await demoIdentities(database.db);
  });
  afterAll(() => database.close());

  it('says which statement allowed, for a user and for a service user', async () => {
    const alice = await simulatePermission(database.db, admin(), {
      accountId: 'acme',
      identity: `user:${demo.id('alice@example.com')}`,
      permission: 'iam:service-users:use',
      attributes: { 'iam:service-user-email': 'CI-Bot@service.example.com' },
    });
    expect(alice).toMatchObject({
      allowed: true,
      identityEmail: 'alice@example.com',
      environmentName: null,
      decidedBy: {
        policyName: 'Use the CI bot',
        text: 'ALLOW iam:service-users:use WHERE iam:service-user-email IN ("ci-bot@service.example.com");',
      },
    });
    expect(alice.policiesInEffect).toEqual(expect.arrayContaining(['Developer access', 'Use the CI bot']));

    const exporter = await simulatePermission(database.db, admin(), {
      accountId: 'acme',
      identity: `service-user:${demo.id('acme/exporter@service.example.com')}`,
      environmentId: 'acme-prod',
      permission: 'document:documents:write',
      attributes: {},
    });
    expect(exporter).toMatchObject({ allowed: false, decidedBy: null, environmentName: 'Production' });
    expect(exporter.reason).toBe("No policy statement grants 'document:documents:write'");
  });

  it('shows a DENY that wins, in the environment its binding is limited to', async () => {
    const db = database.db;
    const [developers] = await db.select().from(groups).where(and(eq(groups.accountId, 'acme'), eq(groups.name, 'Developers')));
    const { id: policyId } = await createPolicy(db, admin(), {
      accountId: 'acme',
      name: 'No dashboard deletes in production',
      statements: 'DENY document:documents:delete WHERE document:document-type = "dashboard";',
    });
    await bindPolicy(db, admin(), { accountId: 'acme', groupId: developers!.id, policyId, accountWide: false, environmentIds: ['acme-prod'] });
    const ask = (environmentId: string, type: string) =>
      simulatePermission(db, admin(), {
        accountId: 'acme',
        identity: `user:${demo.id('bob@example.com')}`,
        environmentId,
        permission: 'document:documents:delete',
        attributes: { 'document:document-type': type },
      });
    expect(await ask('acme-prod', 'dashboard')).toMatchObject({
      allowed: false,
      decidedBy: { effect: 'DENY', policyName: 'No dashboard deletes in production' },
    });
    expect(await ask('acme-prod', 'notebook')).toMatchObject({ allowed: true, decidedBy: { policyName: 'Developer access' } });
    expect(await ask('acme-staging', 'dashboard')).toMatchObject({ allowed: true });
    // For the whole account, the DENY bound to production counts; the policy is listed as such.
    const accountWide = await ask('', 'dashboard');
    expect(accountWide).toMatchObject({ allowed: false, decidedBy: { effect: 'DENY', policyName: 'No dashboard deletes in production' } });
    expect(accountWide.policiesInEffect).toContain('No dashboard deletes in production (its DENY statements: it is bound to some environments)');
  });

  it('refuses identities, environments and attributes from outside, and non-admins', async () => {
    const db = database.db;
    const base = { accountId: 'acme', identity: `user:${demo.id('alice@example.com')}`, permission: 'email:emails:send' };
    await expect(simulatePermission(db, admin(), { ...base, environmentId: 'globex-prod' })).rejects.toMatchObject({
      fieldErrors: { environmentId: 'Choose an environment of this account' },
    });
    await expect(
      simulatePermission(db, admin(), { ...base, identity: `service-user:${demo.id('acme/ci-bot@service.example.com')}`, accountId: 'globex' }),
    ).rejects.toMatchObject({ fieldErrors: { identity: 'Choose a user or service user of this account' } });
    await expect(
      simulatePermission(db, admin(), { ...base, attributes: { 'document:document-type': 'dashboard' } }),
    ).rejects.toMatchObject({ fieldErrors: { attributes: "Permission 'email:emails:send' has no attribute 'document:document-type'" } });
    await expect(simulatePermission(db, admin(), { ...base, permission: 'email:emails:read' })).rejects.toMatchObject({
      fieldErrors: { permission: 'Choose a permission from the list' },
    });
    await expect(simulatePermission(db, demo.actor('alice@example.com'), base)).rejects.toMatchObject(NOT_AN_ADMIN);
  });
});
