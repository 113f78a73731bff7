import path from 'node:path';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { sql, type ExtractTablesWithRelations } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { Client, Pool } from 'pg';
import * as schema from './schema';

export type Schema = typeof schema;
/** The one database type the domain code sees, whichever backend is behind it. */
export type Db = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything that runs queries: the database or an open transaction. */
export type Executor = Db | Tx;

export type DatabaseOptions =
  /** `fs`: the in-memory file system to start from when there is no `dataDir` (tests use it to start from a copy). */
  | { kind: 'pglite'; dataDir: string | null; fs?: PGliteOptions['fs'] }
  /** `preparedStatements: false` sends every statement unnamed, for a pooler in transaction mode. */
  | { kind: 'postgres'; url: string; poolMax?: number; preparedStatements?: boolean };

export interface Database {
  kind: 'pglite' | 'postgres';
  db: Db;
  /** The pg pool, for LISTEN/NOTIFY and lock sessions; absent on PGlite. */
  pool: Pool | null;
  close(): Promise<void>;
}

export const migrationsFolder = path.join(process.cwd(), 'drizzle');

// Any constant works; it only has to be the same on every instance that migrates.
const MIGRATION_LOCK_KEY = 727_100_401;

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.kind === 'pglite') {
    // pg_trgm backs the substring search of the admin token list (see the migrations).
    const extensions = { pg_trgm };
    const client = options.dataDir
      ? await PGlite.create(options.dataDir, { extensions })
      : await PGlite.create({ extensions, fs: options.fs });
    const db = drizzlePglite(client, { schema }) as unknown as Db;
    return { kind: 'pglite', db, pool: null, close: () => client.close() };
  }
  const pool = new Pool({
    connectionString: options.url,
    Client: options.preparedStatements === false ? UnnamedStatementsClient : Client,
    max: options.poolMax ?? 10,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client that loses its server must not take the process down.
  pool.on('error', (error) => console.error('[db] idle connection error:', error.message));
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return { kind: 'postgres', db, pool, close: () => pool.end() };
}

/**
 * A client that sends named prepared statements unnamed. Behind a pooler in transaction mode
 * each transaction may get another server connection, where a statement named on an earlier
 * one does not exist; unnamed, it is parsed again with every execution.
 */
class UnnamedStatementsClient extends Client {
  override query(...args: unknown[]): never {
    const [first] = args;
    if (typeof first === 'object' && first !== null && 'name' in first && (first as { name?: unknown }).name) {
      args[0] = { ...first, name: undefined };
    }
    return (super.query as (...a: unknown[]) => never)(...args);
  }
}

/**
 * Applies the committed migrations in one transaction, under a transaction-level advisory lock:
 * safe to run on every start, from several instances at once, and through a pooler in
 * transaction mode, where a session-level lock would stay behind on whichever server connection
 * took it. The bookkeeping is drizzle's (`drizzle.__drizzle_migrations`, one row per migration).
 */
export async function migrateDatabase(database: Database): Promise<void> {
  const migrations = readMigrationFiles({ migrationsFolder });
  await database.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    await tx.execute(sql`create schema if not exists drizzle`);
    await tx.execute(
      sql`create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`,
    );
    const applied = await tx.execute(sql`select created_at from drizzle.__drizzle_migrations order by created_at desc limit 1`);
    const [last] = (applied as unknown as { rows: { created_at: string | number }[] }).rows;
    for (const migration of migrations) {
      if (last && Number(last.created_at) >= migration.folderMillis) continue;
      for (const statement of migration.sql) await tx.execute(sql.raw(statement));
      await tx.execute(
        sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${migration.hash}, ${migration.folderMillis})`,
      );
    }
  });
}
