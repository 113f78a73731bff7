import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '@/lib/auth/password';
import { migrateDatabase } from './client';
import { DEMO, DEMO_PASSWORD, seedDemoData } from './seed';
import { accountMembers, accounts, environments, groups, platformTokens, serviceUsers, users } from './schema';
import { createTestDatabase, testBackend, type TestDatabase } from './testing';

describe(`database on ${testBackend}`, () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    await database.close();
  });

  it('migrates from empty, and migrating again changes nothing', async () => {
    await migrateDatabase(database);
    await migrateDatabase(database);
    const [row] = await database.db.select({ n: count() }).from(accounts);
    expect(row?.n).toBe(0);
  });

  it('seeds the demo data of the product contract once', async () => {
    expect(await seedDemoData(database.db)).toBe(true);
    const db = database.db;
    expect((await db.select().from(accounts)).map((a) => a.id).sort()).toEqual(['acme', 'globex']);
    expect((await db.select().from(environments)).map((e) => `${e.id}:${e.name}`).sort()).toEqual([
      'acme-prod:Production',
      'acme-staging:Staging',
      'globex-prod:Production',
    ]);
    const members = await db
      .select({ account: accountMembers.accountId, email: users.email, role: accountMembers.role })
      .from(accountMembers)
      .innerJoin(users, eq(users.id, accountMembers.userId));
    expect(members).toHaveLength(DEMO.members.length);
    expect(members).toContainEqual({ account: 'acme', email: 'admin@example.com', role: 'admin' });
    expect(members).toContainEqual({ account: 'globex', email: 'alice@example.com', role: 'member' });
    expect((await db.select().from(serviceUsers)).map((s) => s.email).sort()).toEqual([
      'ci-bot@service.example.com',
      'exporter@service.example.com',
    ]);
    const groupNames = (await db.select().from(groups)).map((g) => `${g.accountId}/${g.name}`);
    expect(groupNames).toContain('acme/Developers');
    expect(groupNames).toContain('globex/Engineering');
    const [alice] = await db.select().from(users).where(eq(users.email, 'alice@example.com'));
    expect(alice!.passwordHash).not.toContain(DEMO_PASSWORD);
    expect(await verifyPassword(DEMO_PASSWORD, alice!.passwordHash!)).toBe(true);
  });

  it('never touches a database that already has data', async () => {
    await database.db.update(accounts).set({ name: 'Renamed' }).where(eq(accounts.id, 'acme'));
    expect(await seedDemoData(database.db)).toBe(false);
    const [acme] = await database.db.select().from(accounts).where(eq(accounts.id, 'acme'));
    expect(acme?.name).toBe('Renamed');
    const [usersCount] = await database.db.select({ n: count() }).from(users);
    expect(usersCount?.n).toBe(DEMO.users.length);
  });

  it('enforces the token constraints in the schema', async () => {
    const [alice] = await database.db.select().from(users).where(eq(users.email, 'alice@example.com'));
    const base = {
      accountId: 'acme',
      publicId: 'A'.repeat(24),
      secretHash: 'f'.repeat(64),
      name: 'ok',
      ownerUserId: alice!.id,
      createdById: alice!.id,
      scopes: ['document:documents:read'],
    };
    await expect(database.db.insert(platformTokens).values({ ...base, name: '   ' })).rejects.toThrow();
    await expect(database.db.insert(platformTokens).values({ ...base, scopes: [] })).rejects.toThrow();
    await expect(database.db.insert(platformTokens).values({ ...base, publicId: 'lower'.padEnd(24, 'x') })).rejects.toThrow();
    await database.db.insert(platformTokens).values(base);
    await expect(database.db.insert(platformTokens).values(base)).rejects.toThrow();
  });
});

describe('demo policies', () => {
  it('all parse in the policy language', async () => {
    const { parsePolicy, formatPolicyError } = await import('@/lib/iam/policy-parser');
    const database = await createTestDatabase();
    try {
      const { policies } = await import('./schema');
      const rows = await database.db.select().from(policies);
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        const result = parsePolicy(row.statements);
        expect(result.ok ? 'ok' : `${row.name}: ${formatPolicyError(result.error)}`).toBe('ok');
      }
    } finally {
      await database.close();
    }
  });
});
