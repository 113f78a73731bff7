import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { Pool } from 'pg';
import { installShortQueryErrors } from './query-errors';
import * as schema from './schema';

export type Schema = typeof schema;
/** The one database type the domain code sees, whichever backend is behind it. */
export type Db = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything that runs queries: the database or an open transaction. */
export type Executor = Db | Tx;

export type DatabaseOptions =
  | { kind: 'pglite'; dataDir: string | null }
  | { kind: 'postgres'; url: string; poolMax?: number };

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
  // A failing statement's error (and so any log of it) shows only the start of the statement.
  installShortQueryErrors();
  if (options.kind === 'pglite') {
    // pg_trgm backs the substring search of the admin token list (see the migrations).
    const extensions = { pg_trgm };
    const client = options.dataDir
      ? await PGlite.create(options.dataDir, { extensions })
      : await PGlite.create({ extensions });
    const db = drizzlePglite(client, { schema }) as unknown as Db;
    return { kind: 'pglite', db, pool: null, close: () => client.close() };
  }
  const pool = new Pool({
    connectionString: options.url,
    max: options.poolMax ?? 10,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client that loses its server must not take the process down.
  pool.on('error', (error) => console.error('[db] idle connection error:', error.message));
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return { kind: 'postgres', db, pool, close: () => pool.end() };
}

/** Applies the committed migrations; safe to run on every start and from several instances at once. */
export async function migrateDatabase(database: Database): Promise<void> {
  if (database.kind === 'pglite') {
    await migratePglite(database.db as never, { migrationsFolder });
    return;
  }
  const client = await database.pool!.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migratePg(drizzlePg(client, { schema }), { migrationsFolder });
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}
