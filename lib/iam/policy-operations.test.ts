import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, groups, policies } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { NotFoundError, ValidationError } from '@/lib/errors';
import { publishedDuring } from '@/lib/testing/changes';
import { demoIdentities, type DemoIdentities } from '@/lib/testing/demo';
import { bindPolicy } from './binding-operations';
import { checkPermission } from './effective-permissions';
import { listPolicies, policyDetail } from './iam-queries';
import { createPolicy, deletePolicy, updatePolicy } from './policy-operations';
import { iamSnapshot } from './testing';
import { NOT_AN_ADMIN_MESSAGE } from '@/lib/accounts/admin-access';

const NOT_AN_ADMIN = { name: 'NotFoundError', message: NOT_AN_ADMIN_MESSAGE };

describe(`policy operations (${testBackend})`, () => {
  let database: TestDatabase;
  let demo: DemoIdentities;
  const admin = () => demo.actor('admin@example.com');

  beforeAll(async () => {
    database = await createTestDatabase();
    demo = await demoIdentities(database.db);
  });
  afterAll(() => database.close());

  const lastAudit = async () => (await database.db.select().from(auditEvents).orderBy(desc(auditEvents.id)).limit(1))[0]!;
  const developersGroup = async () =>
    (await database.db.select().from(groups).where(and(eq(groups.accountId, 'acme'), eq(groups.name, 'Developers'))))[0]!.id;

  it('refuses a policy that does not parse with the line and column of the first error, and saves nothing', async () => {
    const before = await iamSnapshot(database.db);
    const statements = '// Readers\nALLOW storage:logs:read;\nALLOW storage:logz:read;\n';
    const error = await createPolicy(database.db, admin(), { accountId: 'acme', name: 'Broken', statements }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldErrors).toEqual({
      statements: "Unknown permission 'storage:logz:read' at line 3, column 7",
    });
    await expect(
      createPolicy(database.db, admin(), {
        accountId: 'acme',
        name: 'Bad operator',
        statements: 'ALLOW iam:service-users:use WHERE iam:service-user-email startsWith "ci-";',
      }),
    ).rejects.toMatchObject({
      fieldErrors: { statements: expect.stringMatching(/^Operator 'startsWith' is not allowed .* at line 1, column 58$/) },
    });
    await expect(
      createPolicy(database.db, admin(), { accountId: 'acme', name: 'Empty', statements: '// nothing yet\n' }),
    ).rejects.toMatchObject({ fieldErrors: { statements: 'Enter at least one statement' } });
    expect(await iamSnapshot(database.db)).toEqual(before);
  });

  it('saves email literals trimmed and lowercased, and refuses one that is not an email with its line and column', async () => {
    const before = await iamSnapshot(database.db);
    const refused = createPolicy(database.db, admin(), {
      accountId: 'acme',
      name: 'Bad email',
      statements: 'ALLOW email:emails:send;\nDENY iam:service-users:use WHERE iam:service-user-email = "ci-bot@";',
    });
    await expect(refused).rejects.toMatchObject({ fieldErrors: { statements: "'ci-bot@' is not a valid email address at line 2, column 59" } });
    expect(await iamSnapshot(database.db)).toEqual(before);

    const { id } = await createPolicy(database.db, admin(), {
      accountId: 'acme',
      name: 'No exporter',
      statements: 'DENY iam:service-users:use WHERE iam:service-user-email IN (" Exporter@Service.Example.com ", "CI-BOT@service.example.com");',
    });
    const [saved] = await database.db.select().from(policies).where(eq(policies.id, id));
    expect(saved!.statements).toBe('DENY iam:service-users:use WHERE iam:service-user-email IN ("exporter@service.example.com", "ci-bot@service.example.com");');
    await updatePolicy(database.db, admin(), {
      accountId: 'acme',
      policyId: id,
      name: 'No exporter',
      statements: "DENY iam:service-users:use WHERE iam:service-user-email = 'Exporter@service.example.com';",
    });
    const [updated] = await database.db.select().from(policies).where(eq(policies.id, id));
    expect(updated!.statements).toBe("DENY iam:service-users:use WHERE iam:service-user-email = 'exporter@service.example.com';");
    await deletePolicy(database.db, admin(), { accountId: 'acme', policyId: id });
  });

  it('creates, edits and deletes a policy; bound, its changes apply to the next check at once', async () => {
    const db = database.db;
    const bob = { kind: 'user' as const, userId: demo.id('bob@example.com') };
    const canSend = async () => (await checkPermission(db, 'acme', bob, 'acme-prod', 'email:emails:send')).allowed;

    const { id } = await createPolicy(db, admin(), {
      accountId: 'acme',
      name: 'Mail',
      description: 'Send emails',
      statements: 'ALLOW email:emails:send;',
    });
    expect(await lastAudit()).toMatchObject({ action: 'policy.created', targetName: 'Mail', details: { statements: 1 } });
    await bindPolicy(db, admin(), { accountId: 'acme', groupId: await developersGroup(), policyId: id, accountWide: true });
    expect(await canSend()).toBe(true);

    const published = await publishedDuring(() =>
      updatePolicy(db, admin(), {
        accountId: 'acme',
        policyId: id,
        name: 'Mail',
        description: 'Send emails',
        statements: 'ALLOW email:emails:send;\nDENY email:emails:send;',
      }),
    );
    expect(published).toEqual([{ kind: 'account', accountId: 'acme' }]);
    const denied = await checkPermission(db, 'acme', bob, 'acme-prod', 'email:emails:send');
    expect(denied).toMatchObject({ allowed: false, decidedBy: { policyName: 'Mail', text: 'DENY email:emails:send;' } });
    // Two saves in a row (within the same millisecond, as it may be) still take effect in order.
    for (const statements of ['ALLOW email:emails:send;', 'DENY email:emails:send;', 'ALLOW email:emails:send;']) {
      await updatePolicy(db, admin(), { accountId: 'acme', policyId: id, name: 'Mail', statements });
    }
    expect(await canSend()).toBe(true);

    await updatePolicy(db, admin(), { accountId: 'acme', policyId: id, name: 'Mailing', statements: 'ALLOW email:emails:send;' });
    expect(await lastAudit()).toMatchObject({ action: 'policy.updated', targetName: 'Mailing', details: { renamedFrom: 'Mail' } });
    expect((await policyDetail(db, admin(), 'acme', id)).groups.map((g) => g.name)).toEqual(['Developers']);
    expect((await listPolicies(db, admin(), 'acme')).find((p) => p.id === id)).toMatchObject({ groupCount: 1, statementCount: 1 });

    await expect(
      updatePolicy(db, admin(), { accountId: 'acme', policyId: id, name: 'Full access', statements: 'ALLOW email:emails:send;' }),
    ).rejects.toMatchObject({ fieldErrors: { name: 'A policy named "Full access" already exists' } });
    await expect(
      updatePolicy(db, admin(), { accountId: 'acme', policyId: id, name: 'Mailing', statements: 'ALLOW email:emails:send' }),
    ).rejects.toMatchObject({ fieldErrors: { statements: "Expected ';' after the statement at line 1, column 24" } });
    expect(await canSend()).toBe(true);

    await deletePolicy(db, admin(), { accountId: 'acme', policyId: id });
    expect(await lastAudit()).toMatchObject({ action: 'policy.deleted', targetName: 'Mailing', details: { boundToGroups: 1 } });
    expect(await canSend()).toBe(false);
    await expect(deletePolicy(db, admin(), { accountId: 'acme', policyId: id })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('keeps policies of one account out of reach of another', async () => {
    const [globexPolicy] = await database.db.select().from(policies).where(eq(policies.accountId, 'globex')).limit(1);
    await expect(
      updatePolicy(database.db, admin(), {
        accountId: 'acme',
        policyId: globexPolicy!.id,
        name: 'Taken over',
        statements: 'ALLOW email:emails:send;',
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(policyDetail(database.db, admin(), 'acme', globexPolicy!.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses every policy change from a non-admin, and changes nothing', async () => {
    const db = database.db;
    const [policy] = await db.select().from(policies).where(eq(policies.accountId, 'acme')).limit(1);
    const before = await iamSnapshot(db);
    const alice = demo.actor('alice@example.com');
    const attempts = [
      () => createPolicy(db, alice, { accountId: 'acme', name: 'Mine', statements: 'ALLOW iam:service-users:use;' }),
      () => updatePolicy(db, alice, { accountId: 'acme', policyId: policy!.id, name: policy!.name, statements: 'ALLOW iam:service-users:use;' }),
      () => deletePolicy(db, alice, { accountId: 'acme', policyId: policy!.id }),
      () => listPolicies(db, alice, 'acme'),
      () => policyDetail(db, alice, 'acme', policy!.id),
    ];
    for (const attempt of attempts) await expect(attempt()).rejects.toMatchObject(NOT_AN_ADMIN);
    expect(await iamSnapshot(db)).toEqual(before);
    const [after] = await db.select().from(policies).where(eq(policies.id, policy!.id));
    expect(after).toEqual(policy);
  });
});
