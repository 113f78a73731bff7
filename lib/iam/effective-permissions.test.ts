import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountMembers, serviceUsers, users } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { canUseServiceUser, checkPermission, effectivePermissions } from './effective-permissions';

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

  it('drops everything once the user leaves the account', async () => {
    const before = await checkPermission(database.db, 'acme', user('bob@example.com'), 'acme-prod', 'document:documents:read');
    expect(before.allowed).toBe(true);
    await database.db.delete(accountMembers).where(eq(accountMembers.userId, id['bob@example.com']!));
    const after = await checkPermission(database.db, 'acme', user('bob@example.com'), 'acme-prod', 'document:documents:read');
    expect(after.allowed).toBe(false);
  });
});
