import type { PGlite } from '@electric-sql/pglite';
import { sql, type ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { Pool } from 'pg';
import { WorkerPglite, type DataDirFile } from './pglite-worker-client';
import { migrationsFolder } from './project-files';
import { installShortQueryErrors } from './query-errors';
import * as schema from './schema';
import { DEFAULT_STATEMENT_TIMEOUT_MS, withStatementBound } from './statement-timeout';

export type Schema = typeof schema;
/** The one database type the domain code sees, whichever backend is behind it. */
export type Db = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything that runs queries: the database or an open transaction. */
export type Executor = Db | Tx;

export type DatabaseOptions =
  | {
      kind: 'pglite';
      /** A folder, or null for an in-memory database (which a statement past its bound ends for good). */
      dataDir: string | null;
      /** A dumped data directory (PGlite's dumpDataDir) to start an empty one from. */
      loadDataDir?: Blob | File;
      /** The files of a closed data directory an in-memory database starts as a copy of (test databases). */
      files?: readonly DataDirFile[];
    }
  | { kind: 'postgres'; url: string; poolMax?: number };

export interface Database {
  kind: 'pglite' | 'postgres';
  db: Db;
  /** The pg pool, for LISTEN/NOTIFY and lock sessions; absent on PGlite. */
  pool: Pool | null;
  close(): Promise<void>;
}


// Any constant works; it only has to be the same on every instance that migrates.
const MIGRATION_LOCK_KEY = 727_100_401;

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  // A failing statement's error (and so any log of it) shows only the start of the statement.
  installShortQueryErrors();
  if (options.kind === 'pglite') {
    // In a worker thread, so that a long statement neither blocks the event loop nor runs past its bound.
    const client = await WorkerPglite.open({ dataDir: options.dataDir, loadDataDir: options.loadDataDir, files: options.files });
    const db = drizzlePglite(client as unknown as PGlite, { schema }) as unknown as Db;
    return { kind: 'pglite', db, pool: null, close: () => client.close() };
  }
  const pool = new Pool({
    connectionString: options.url,
    max: options.poolMax ?? 10,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    // No statement holds a connection for longer, unless its transaction sets a bound of its own.
    statement_timeout: DEFAULT_STATEMENT_TIMEOUT_MS,
  });
  // An idle client that loses its server must not take the process down.
  pool.on('error', (error) => console.error('[db] idle connection error:', error.message));
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return { kind: 'postgres', db, pool, close: () => pool.end() };
}

/**
 * Applies the committed migrations; safe to run on every start and from several instances at once.
 * Without a statement bound: a migration may rewrite a large table, and another instance may hold
 * the lock meanwhile.
 */
export async function migrateDatabase(database: Database): Promise<void> {
  if (database.kind === 'pglite') {
    await withStatementBound(0, () => migratePglite(database.db as never, { migrationsFolder }));
    return;
  }
  const client = await database.pool!.connect();
  try {
    await client.query('set statement_timeout = 0');
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migratePg(drizzlePg(client, { schema }), { migrationsFolder });
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    // Closed rather than returned to the pool, with its unbounded session.
    client.release(true);
  }
}

/**
 * Runs `fn` in a transaction whose every statement stops after `timeoutMs`, failing with SQLSTATE
 * 57014 (isStatementTimeout): PostgreSQL cancels it (statement_timeout), the embedded database
 * stops it with its worker thread.
 */
export function transactionWithTimeout<T>(db: Db, timeoutMs: number, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const ms = Math.max(1, Math.trunc(timeoutMs));
  return withStatementBound(ms, () =>
    db.transaction(async (tx) => {
      await tx.execute(sql.raw(`set local statement_timeout = ${ms}`));
      return fn(tx);
    }),
  );
}
