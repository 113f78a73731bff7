import type { PGlite } from '@electric-sql/pglite';
import { sql, type ExtractTablesWithRelations } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { Client, Pool } from 'pg';
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
  /** `preparedStatements: false` sends every statement unnamed, for a pooler in transaction mode. */
  | { kind: 'postgres'; url: string; poolMax?: number; preparedStatements?: boolean };

export interface Database {
  kind: 'pglite' | 'postgres';
  db: Db;
  /** The pg pool, for LISTEN/NOTIFY and lock sessions; absent on PGlite. */
  pool: Pool | null;
  close(): Promise<void>;
}

const embedded = new WeakSet<object>();

/** Whether `db` is the embedded database, which runs one statement at a time for everyone. */
export function isEmbedded(db: Executor): boolean {
  return embedded.has(db);
}


/** The part of the embedded client (WorkerPglite) that drizzle and the app use. */
export type EmbeddedClient = Pick<WorkerPglite, 'waitReady' | 'query' | 'exec' | 'transaction'>;

/** The app's database on an open embedded client; `close` says what closing it means. */
export function embeddedDatabase(client: EmbeddedClient, close: () => Promise<void>): Database {
  installShortQueryErrors();
  const db = drizzlePglite(client as unknown as PGlite, { schema }) as unknown as Db;
  embedded.add(db);
  return { kind: 'pglite', db, pool: null, close };
}

// Any constant works; it only has to be the same on every instance that migrates.
const MIGRATION_LOCK_KEY = 727_100_401;

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  // A failing statement's error (and so any log of it) shows only the start of the statement.
  installShortQueryErrors();
  if (options.kind === 'pglite') {
    // In a worker thread, so that a long statement neither blocks the event loop nor runs past its bound.
    const client = await WorkerPglite.open({ dataDir: options.dataDir, loadDataDir: options.loadDataDir, files: options.files });
    return embeddedDatabase(client, () => client.close());
  }
  const pool = new Pool({
    connectionString: options.url,
    Client: options.preparedStatements === false ? UnnamedStatementsClient : Client,
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
 * Without a statement bound: a migration may rewrite a large table, and another instance may
 * hold the lock meanwhile.
 */
export async function migrateDatabase(database: Database): Promise<void> {
  const migrations = readMigrationFiles({ migrationsFolder });
  await withStatementBound(0, () =>
    database.db.transaction(async (tx) => {
      await tx.execute(sql`set local statement_timeout = 0`);
      await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
      await tx.execute(sql`create schema if not exists drizzle`);
      await tx.execute(sql`create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`);
      const applied = await tx.execute(sql`select created_at from drizzle.__drizzle_migrations order by created_at desc limit 1`);
      const [last] = (applied as unknown as { rows: { created_at: string | number }[] }).rows;
      for (const migration of migrations) {
        if (last && Number(last.created_at) >= migration.folderMillis) continue;
        for (const statement of migration.sql) await tx.execute(sql.raw(statement));
        await tx.execute(sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${migration.hash}, ${migration.folderMillis})`);
      }
    }),
  );
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
