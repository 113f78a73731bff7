import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '@/lib/config';
import { createTestPlatform, insertTestToken, platformRequest, readResponse } from '@/lib/platform/testing';
import { findProgram, startPgBouncer, type PgBouncer } from '@/scripts/cluster-services.mjs';
import { migrateDatabase, openDatabase, type Database } from './client';
import { migrationsFolder } from './project-files';
import { createTestDatabase, testBackend, type TestDatabase } from './testing';

// The app through PgBouncer in transaction mode (deploy/pgbouncer.ini.template), where each
// transaction may run on another server connection: nothing may rely on a session's state.
// CI installs pgbouncer; elsewhere these tests run when it is installed.

const available = testBackend === 'postgres' && (findProgram('pgbouncer') !== null || !!process.env.CI);

/** The pool an instance opens with DATABASE_URL at PgBouncer and DATABASE_LISTEN_URL direct. */
function openThroughPooler(bouncer: PgBouncer, database: TestDatabase, poolMax: number): Promise<Database> {
  const name = new URL(database.listenUrl!).pathname.slice(1);
  const settings = readConfig({ DATABASE_URL: bouncer.url(name), DATABASE_LISTEN_URL: database.listenUrl! });
  return openDatabase({ kind: 'postgres', url: settings.databaseUrl!, poolMax, preparedStatements: settings.preparedStatements });
}

describe.skipIf(!available)('through PgBouncer in transaction mode', () => {
  let bouncer: PgBouncer;
  beforeAll(async () => {
    bouncer = await startPgBouncer({ serverUrl: process.env.DATABASE_LISTEN_URL || process.env.DATABASE_URL! });
  });
  afterAll(() => bouncer?.stop());

  it('three instances migrating at once apply each migration once and leave no lock behind', async () => {
    const database = await createTestDatabase({ migrate: false });
    const pools = await Promise.all([0, 1, 2].map(() => openThroughPooler(bouncer, database, 3)));
    try {
      await Promise.all(pools.map((pool) => migrateDatabase(pool)));
      const applied = await database.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
      expect((applied as unknown as { rows: { n: number }[] }).rows[0]?.n).toBe(readMigrationFiles({ migrationsFolder }).length);
      const locks = await database.db.execute(sql`
        select count(*)::int as n from pg_locks l join pg_database d on d.oid = l.database
        where l.locktype = 'advisory' and d.datname = current_database()`);
      expect((locks as unknown as { rows: { n: number }[] }).rows[0]?.n).toBe(0);
      // A later start still migrates (nothing is held on any server connection).
      await migrateDatabase(pools[0]!);
    } finally {
      await Promise.all(pools.map((pool) => pool.close()));
      await database.close();
    }
  });

  it('serves the platform API: verifications and prepared reads on whichever server connection', async () => {
    const database = await createTestDatabase();
    const pooled = await openThroughPooler(bouncer, database, 8);
    try {
      const tokens = await Promise.all(
        [0, 1, 2, 3].map(() => insertTestToken(database.db, { scopes: ['state:app-states:read', 'state:app-states:write'], environmentIds: ['acme-prod'] })),
      );
      const platform = createTestPlatform(pooled.db, { subscribe: false });
      const path = '/state/v1/apps/my.app/app-states/pooled';
      const put = await platform.handle(platformRequest('acme-prod', path, { method: 'PUT', token: tokens[0]!.token, body: { value: { n: 1 } } }));
      expect(put.status).toBeLessThan(300);
      // Many at once, so that PgBouncer hands them different server connections.
      const answers = await Promise.all(
        Array.from({ length: 60 }, async (_, i) => {
          // A fresh cache now and then: the verification lookup runs against the database again.
          if (i % 10 === 0) platform.cache.clear();
          return readResponse(await platform.handle(platformRequest('acme-prod', path, { token: tokens[i % tokens.length]!.token })));
        }),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(60).fill(200));
      expect(answers[0]!.body).toMatchObject({ value: { n: 1 } });
      platform.unsubscribe();
    } finally {
      await pooled.close();
      await database.close();
    }
  });
});
