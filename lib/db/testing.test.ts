import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { databaseSnapshot } from './snapshot';
import { accounts } from './schema';
import { createTestDatabase, testBackend, type TestDatabase } from './testing';

describe(`test databases on ${testBackend}`, () => {
  it('are copies of their own: what one writes is in no other, open at the same time or made after', async () => {
    const first = await createTestDatabase();
    const second = await createTestDatabase();
    try {
      const fresh = await databaseSnapshot(second.db);
      await first.db.insert(accounts).values({ id: 'initech', name: 'Initech' });
      await first.db.update(accounts).set({ name: 'Renamed' }).where(eq(accounts.id, 'acme'));
      expect(await databaseSnapshot(second.db)).toBe(fresh);
      await first.close();
      const third = await createTestDatabase();
      try {
        expect(await databaseSnapshot(third.db)).toBe(fresh);
        expect((await third.db.select().from(accounts)).map((a) => a.name).sort()).toEqual(['Acme Corp', 'Globex']);
      } finally {
        await third.close();
      }
    } finally {
      await second.close();
    }
  });

  it('start as their template did after another test wrote, left a transaction open, changed settings or the schema', async () => {
    const used = await createTestDatabase();
    const fresh = await databaseSnapshot(used.db);
    const nextAuditId = async (db: TestDatabase['db']) =>
      ((await db.execute(sql`select nextval(pg_get_serial_sequence('audit_events', 'id'))::int as id`)) as unknown as { rows: { id: number }[] }).rows[0]!.id;
    const firstAuditId = await nextAuditId(used.db);
    await used.db.insert(accounts).values({ id: 'initech', name: 'Initech' });
    await used.db.delete(accounts).where(eq(accounts.id, 'globex'));
    await nextAuditId(used.db);
    await used.db.execute(sql`set time zone 'Pacific/Auckland'`);
    await used.db.execute(sql`begin`);
    await used.db.execute(sql`insert into accounts (id, name) values ('left-open', 'Left open')`);
    await used.close();
    await expect(used.db.select().from(accounts)).rejects.toThrow();

    const next = await createTestDatabase();
    try {
      expect(await databaseSnapshot(next.db)).toBe(fresh);
      expect(await nextAuditId(next.db)).toBe(firstAuditId);
      const zone = (await next.db.execute(sql`select current_setting('TimeZone') as zone`)) as unknown as { rows: { zone: string }[] };
      expect(zone.rows[0]!.zone).not.toBe('Pacific/Auckland');
      // A changed schema is not put back by a restore: the next copy starts fresh from the template.
      await next.db.execute(sql`alter table accounts add column extra text`);
    } finally {
      await next.close();
    }
    const after = await createTestDatabase();
    try {
      expect(await databaseSnapshot(after.db)).toBe(fresh);
      const columns = (await after.db.execute(
        sql`select count(*)::int as n from information_schema.columns where table_name = 'accounts' and column_name = 'extra'`,
      )) as unknown as { rows: { n: number }[] };
      expect(columns.rows[0]!.n).toBe(0);
    } finally {
      await after.close();
    }
  });

  it('tells which table changed, with its row count', async () => {
    const database = await createTestDatabase();
    try {
      const before = (await databaseSnapshot(database.db)).split('\n');
      await database.db.insert(accounts).values({ id: 'initech', name: 'Initech' });
      const after = (await databaseSnapshot(database.db)).split('\n');
      const changed = after.filter((line, i) => line !== before[i]);
      expect(changed).toHaveLength(1);
      expect(changed[0]).toMatch(/^accounts: 3 rows, hash -?\d+$/);
    } finally {
      await database.close();
    }
  });

  it('tells that a row changed in place, and not when it is changed back', async () => {
    const database = await createTestDatabase();
    try {
      const before = await databaseSnapshot(database.db);
      await database.db.update(accounts).set({ name: 'Acme Corporation' }).where(eq(accounts.id, 'acme'));
      const changed = await databaseSnapshot(database.db);
      expect(changed).not.toBe(before);
      expect(changed.split('\n').filter((line) => !before.includes(line))).toEqual([expect.stringMatching(/^accounts: 2 rows, /)]);
      await database.db.update(accounts).set({ name: 'Acme Corp' }).where(eq(accounts.id, 'acme'));
      expect(await databaseSnapshot(database.db)).toBe(before);
    } finally {
      await database.close();
    }
  });

  it('start empty, migrated or seeded as asked', async () => {
    const empty = await createTestDatabase({ migrate: false });
    const migrated = await createTestDatabase({ seed: false });
    try {
      expect(await databaseSnapshot(empty.db)).toBe('');
      expect(await databaseSnapshot(migrated.db)).toMatch(/^accounts: 0 rows,/m);
    } finally {
      await empty.close();
      await migrated.close();
    }
  });
});
