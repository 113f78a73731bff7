import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountMembers, groupMembers, groups, policies, policyBindingEnvironments, policyBindings, serviceUsers, users } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { canUseServiceUser, checkPermission, effectivePermissions, usableServiceUsers } from './effective-permissions';

describe(`effective permissions from the database (${testBackend})`, () => {
  let database: TestDatabase;
  const id: Record<string, string> = {};

  beforeAll(async () => {
    database = await createTestDatabase();
    for (const u of await database.db.select().from(users)) id[u.email] = u.id;
    for (const s of await database.db.select().from(serviceUsers)) id[s.email] = s.id;
  });
  afterAll(() => database.close());

  const user = (email: string) => ({ kind: 'user' as const, userId: id[email]! });

  it('grants the demo groups their policies', async () => {
    const alice = await effectivePermissions(database.db, 'acme', user('alice@example.com'), 'acme-prod');
    expect(alice.granted.has('document:documents:read')).toBe(true);
    expect(alice.granted.has('storage:logs:read')).toBe(true);
    expect(alice.granted.has('email:emails:send')).toBe(false);
    const aliceGlobex = await effectivePermissions(database.db, 'globex', user('alice@example.com'), 'globex-prod');
    expect(aliceGlobex.granted.has('state:app-states:read')).toBe(true);
    expect(aliceGlobex.granted.has('storage:logs:read')).toBe(false);
    const bobGlobex = await effectivePermissions(database.db, 'globex', user('bob@example.com'), 'globex-prod');
    expect(bobGlobex.granted.size).toBe(0);
    const exporter = await effectivePermissions(
      database.db,
      'acme',
      { kind: 'service-user', serviceUserId: id['exporter@service.example.com']! },
      'acme-staging',
    );
    expect(exporter.granted.has('storage:bizevents:read')).toBe(true);
    expect(exporter.granted.has('document:documents:write')).toBe(false);
  });

  it('lets alice, and only alice, use the CI bot', async () => {
    expect((await canUseServiceUser(database.db, 'acme', id['alice@example.com']!, 'ci-bot@service.example.com')).allowed).toBe(true);
    expect((await canUseServiceUser(database.db, 'acme', id['alice@example.com']!, 'exporter@service.example.com')).allowed).toBe(false);
    expect((await canUseServiceUser(database.db, 'acme', id['bob@example.com']!, 'ci-bot@service.example.com')).allowed).toBe(false);
    expect((await canUseServiceUser(database.db, 'acme', id['admin@example.com']!, 'exporter@service.example.com')).allowed).toBe(true);
  });

  it('lists the service users a user may generate tokens for', async () => {
    const emails = async (email: string, accountId = 'acme') =>
      (await usableServiceUsers(database.db, accountId, id[email]!)).map((s) => s.email);
    expect(await emails('alice@example.com')).toEqual(['ci-bot@service.example.com']);
    expect(await emails('bob@example.com')).toEqual([]);
    expect(await emails('admin@example.com')).toEqual(['ci-bot@service.example.com', 'exporter@service.example.com']);
    // Alice's grant in Acme says nothing about Globex, which has no service users anyway.
    expect(await emails('alice@example.com', 'globex')).toEqual([]);
  });

  it('applies an environment-limited binding only in its environments, and never account-wide', async () => {
    const db = database.db;
    const [group] = await db.insert(groups).values({ accountId: 'acme', name: 'Staging mailers' }).returning();
    const [policy] = await db
      .insert(policies)
      .values({ accountId: 'acme', name: 'Mail and use the exporter', statements: 'ALLOW email:emails:send, iam:service-users:use;' })
      .returning();
    await db.insert(groupMembers).values({ groupId: group!.id, userId: id['bob@example.com']! });
    const [binding] = await db.insert(policyBindings).values({ groupId: group!.id, policyId: policy!.id, accountWide: false }).returning();
    await db.insert(policyBindingEnvironments).values({ bindingId: binding!.id, environmentId: 'acme-staging' });
    const send = (env: string | null) => checkPermission(db, 'acme', user('bob@example.com'), env, 'email:emails:send');
    expect((await send('acme-staging')).allowed).toBe(true);
    expect((await send('acme-prod')).allowed).toBe(false);
    expect((await send(null)).allowed).toBe(false);
    // iam:service-users:use is an account-level check: a staging-only grant does not give it.
    expect(await usableServiceUsers(db, 'acme', id['bob@example.com']!)).toEqual([]);
    await db.delete(groups).where(and(eq(groups.id, group!.id), eq(groups.accountId, 'acme')));
  });

  it('lets a DENY bound to one environment count in the account-level decisions of rule 6', async () => {
    const db = database.db;
    const alice = id['alice@example.com']!;
    expect((await canUseServiceUser(db, 'acme', alice, 'ci-bot@service.example.com')).allowed).toBe(true);
    const [group] = await db.insert(groups).values({ accountId: 'acme', name: 'No CI bot in staging' }).returning();
    const [policy] = await db
      .insert(policies)
      .values({ accountId: 'acme', name: 'No CI bot', statements: 'DENY iam:service-users:use WHERE iam:service-user-email = "ci-bot@service.example.com";' })
      .returning();
    await db.insert(groupMembers).values({ groupId: group!.id, userId: alice });
    const [binding] = await db.insert(policyBindings).values({ groupId: group!.id, policyId: policy!.id, accountWide: false }).returning();
    await db.insert(policyBindingEnvironments).values({ bindingId: binding!.id, environmentId: 'acme-staging' });
    // Generating a token for the CI bot, and the picker that offers it, decide for the whole account.
    const decision = await canUseServiceUser(db, 'acme', alice, 'ci-bot@service.example.com');
    expect(decision).toMatchObject({ allowed: false, decidedBy: { policyName: 'No CI bot', effect: 'DENY' } });
    expect(await usableServiceUsers(db, 'acme', alice)).toEqual([]);
    // In another environment, a platform call is decided with what applies there only.
    expect((await checkPermission(db, 'acme', user('alice@example.com'), 'acme-prod', 'iam:service-users:use', { 'iam:service-user-email': 'ci-bot@service.example.com' })).allowed).toBe(true);
    await db.delete(groups).where(eq(groups.id, group!.id));
    await db.delete(policies).where(eq(policies.id, policy!.id));
  });

  it('matches a saved DENY whose email is in other letter case or has spaces', async () => {
    const db = database.db;
    const admin = id['admin@example.com']!;
    const [group] = await db.insert(groups).values({ accountId: 'acme', name: 'Old lockdown' }).returning();
    // Stored as it was before saving normalized emails.
    const [policy] = await db
      .insert(policies)
      .values({ accountId: 'acme', name: 'Old lockdown', statements: 'DENY iam:service-users:use WHERE iam:service-user-email IN (" Exporter@Service.Example.COM ");' })
      .returning();
    await db.insert(groupMembers).values({ groupId: group!.id, userId: admin });
    await db.insert(policyBindings).values({ groupId: group!.id, policyId: policy!.id });
    expect((await canUseServiceUser(db, 'acme', admin, 'exporter@service.example.com')).allowed).toBe(false);
    expect((await canUseServiceUser(db, 'acme', admin, 'EXPORTER@service.example.com')).allowed).toBe(false);
    expect((await usableServiceUsers(db, 'acme', admin)).map((s) => s.email)).toEqual(['ci-bot@service.example.com']);
    await db.delete(groups).where(eq(groups.id, group!.id));
    await db.delete(policies).where(eq(policies.id, policy!.id));
  });

  it('never evaluates an older text of a policy, even when updated_at did not move', async () => {
    const db = database.db;
    const [group] = await db.insert(groups).values({ accountId: 'acme', name: 'Quick editors' }).returning();
    const [policy] = await db
      .insert(policies)
      .values({ accountId: 'acme', name: 'Quick edits', statements: 'ALLOW email:emails:send;' })
      .returning();
    await db.insert(groupMembers).values({ groupId: group!.id, userId: id['bob@example.com']! });
    await db.insert(policyBindings).values({ groupId: group!.id, policyId: policy!.id });
    const send = async () => (await checkPermission(db, 'acme', user('bob@example.com'), 'acme-prod', 'email:emails:send')).allowed;
    expect(await send()).toBe(true);
    // Two saves within one millisecond leave updated_at the same as JavaScript reads it.
    await db.update(policies).set({ statements: 'DENY email:emails:send;', updatedAt: policy!.updatedAt }).where(eq(policies.id, policy!.id));
    expect(await send()).toBe(false);
    await db.delete(groups).where(eq(groups.id, group!.id));
    await db.delete(policies).where(eq(policies.id, policy!.id));
  });

  it('gives a service user nothing in another account', async () => {
    const ciBot = { kind: 'service-user' as const, serviceUserId: id['ci-bot@service.example.com']! };
    expect((await effectivePermissions(database.db, 'acme', ciBot, 'acme-prod')).granted.has('document:documents:write')).toBe(true);
    expect((await effectivePermissions(database.db, 'globex', ciBot, 'globex-prod')).granted.size).toBe(0);
  });

  it('drops everything once the user leaves the account', async () => {
    const before = await checkPermission(database.db, 'acme', user('bob@example.com'), 'acme-prod', 'document:documents:read');
    expect(before.allowed).toBe(true);
    await database.db.delete(accountMembers).where(eq(accountMembers.userId, id['bob@example.com']!));
    const after = await checkPermission(database.db, 'acme', user('bob@example.com'), 'acme-prod', 'document:documents:read');
    expect(after.allowed).toBe(false);
  });
});
