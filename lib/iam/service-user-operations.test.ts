import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTokenActivity } from '@/lib/audit-queries';
import { auditEvents, groupMembers, platformTokens, serviceUsers } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { NotFoundError, ValidationError } from '@/lib/errors';
import { publishedDuring } from '@/lib/testing/changes';
import { demoIdentities, type DemoIdentities } from '@/lib/testing/demo';
import { canUseServiceUser } from './effective-permissions';
import { listServiceUsers } from './iam-queries';
import { createServiceUser, deleteServiceUser } from './service-user-operations';
import { iamSnapshot } from './testing';
import { NOT_AN_ADMIN_MESSAGE } from '@/lib/accounts/admin-access';

const NOT_AN_ADMIN = { name: 'NotFoundError', message: NOT_AN_ADMIN_MESSAGE };

describe(`service user operations (${testBackend})`, () => {
  let database: TestDatabase;
  let demo: DemoIdentities;
  const admin = () => demo.actor('admin@example.com');

  beforeAll(async () => {
    database = await createTestDatabase();
    demo = await demoIdentities(database.db);
  });
  afterAll(() => database.close());

  it('creates a service user with its email lowercased, once per account', async () => {
    const db = database.db;
    const published = await publishedDuring(() =>
      createServiceUser(db, admin(), { accountId: 'acme', email: '  Deployer@Service.Example.COM ', name: 'Deployer' }),
    );
    expect(published).toEqual([{ kind: 'account', accountId: 'acme' }]);
    const rows = await listServiceUsers(db, admin(), 'acme');
    expect(rows.map((r) => r.email)).toEqual([
      'ci-bot@service.example.com',
      'deployer@service.example.com',
      'exporter@service.example.com',
    ]);
    expect(rows.find((r) => r.email === 'ci-bot@service.example.com')).toMatchObject({ groupCount: 1, tokenCount: 0 });
    const [audit] = await db.select().from(auditEvents).orderBy(desc(auditEvents.id)).limit(1);
    expect(audit).toMatchObject({ action: 'service_user.created', targetName: 'deployer@service.example.com' });

    await expect(
      createServiceUser(db, admin(), { accountId: 'acme', email: 'DEPLOYER@service.example.com', name: 'Again' }),
    ).rejects.toMatchObject({
      fieldErrors: { email: 'A service user with the email deployer@service.example.com already exists in this account' },
    });
    // Another account may have its own.
    await createServiceUser(db, admin(), { accountId: 'globex', email: 'deployer@service.example.com', name: 'Deployer' });
  });

  it.each([
    ['deployer@example.com', 'A service user email must end in @service.<domain>, e.g. ci-bot@service.example.com'],
    ['deployer@service', 'Enter a valid email address'],
    ['not an email', 'Enter a valid email address'],
    ['', 'Enter the email of the service user'],
  ])('refuses the email %j at its field and changes nothing', async (email, message) => {
    const before = await iamSnapshot(database.db);
    const error = await createServiceUser(database.db, admin(), { accountId: 'acme', email, name: 'X' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldErrors.email).toBe(message);
    expect(await iamSnapshot(database.db)).toEqual(before);
  });

  it('deletes a service user with its tokens and memberships, so that its tokens stop working', async () => {
    const db = database.db;
    const exporterId = demo.id('acme/exporter@service.example.com');
    await db.insert(platformTokens).values({
      accountId: 'acme',
      publicId: 'EXPORTERTOKEN00000000000',
      secretHash: 'a'.repeat(64),
      name: 'Nightly export',
      ownerServiceUserId: exporterId,
      createdById: demo.id('admin@example.com'),
      scopes: ['storage:logs:read'],
      appliesToAccount: true,
    });
    expect((await listServiceUsers(db, admin(), 'acme')).find((r) => r.id === exporterId)?.tokenCount).toBe(1);

    let result: { tokensDeleted: number } | undefined;
    const published = await publishedDuring(async () => {
      result = await deleteServiceUser(db, admin(), { accountId: 'acme', serviceUserId: exporterId });
    });
    expect(result).toEqual({ tokensDeleted: 1 });
    expect(published).toEqual([
      { kind: 'account', accountId: 'acme' },
      { kind: 'token', publicId: 'EXPORTERTOKEN00000000000' },
    ]);
    expect(await db.select().from(platformTokens).where(eq(platformTokens.ownerServiceUserId, exporterId))).toEqual([]);
    expect(await db.select().from(groupMembers).where(eq(groupMembers.serviceUserId, exporterId))).toEqual([]);
    const [audit] = await db.select().from(auditEvents).orderBy(desc(auditEvents.id)).limit(1);
    expect(audit).toMatchObject({
      action: 'service_user.deleted',
      targetName: 'exporter@service.example.com',
      // Named where Activity's token filter finds the deletion of each token.
      details: { tokensDeleted: 1, tokenIds: ['dt0s16.EXPORTERTOKEN00000000000'] },
    });
    expect((await listTokenActivity(db, 'acme', 'dt0s16.EXPORTERTOKEN00000000000', 10)).map((e) => e.action)).toEqual(['service_user.deleted']);
    await expect(deleteServiceUser(db, admin(), { accountId: 'acme', serviceUserId: exporterId })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('refuses changes from a non-admin and to service users of another account', async () => {
    const db = database.db;
    const ciBot = demo.id('acme/ci-bot@service.example.com');
    const before = await iamSnapshot(db);
    const bob = demo.actor('bob@example.com');
    await expect(
      createServiceUser(db, bob, { accountId: 'acme', email: 'mine@service.example.com', name: 'Mine' }),
    ).rejects.toMatchObject(NOT_AN_ADMIN);
    await expect(deleteServiceUser(db, bob, { accountId: 'acme', serviceUserId: ciBot })).rejects.toMatchObject(NOT_AN_ADMIN);
    await expect(listServiceUsers(db, bob, 'acme')).rejects.toMatchObject(NOT_AN_ADMIN);
    // The Globex admin path cannot reach an Acme service user.
    await expect(deleteServiceUser(db, admin(), { accountId: 'globex', serviceUserId: ciBot })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await iamSnapshot(db)).toEqual(before);
    expect(await db.select().from(serviceUsers).where(eq(serviceUsers.id, ciBot))).toHaveLength(1);
    expect((await canUseServiceUser(db, 'acme', demo.id('alice@example.com'), 'ci-bot@service.example.com')).allowed).toBe(true);
  });
});
