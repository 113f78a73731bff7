import { config } from '@/lib/config';
import { processSingleton } from '@/lib/singleton';
import { migrateDatabase, openDatabase, type Database, type Db } from './client';
import { seedDemoData } from './seed';

export type { Db, Executor, Tx, Database } from './client';

// One database per process, shared by every bundle and surviving module reloads in development.
const state = processSingleton<{ ready?: Promise<Database>; db?: { of: Promise<Database>; db: Promise<Db> } }>('database', () => ({}));

async function start(): Promise<Database> {
  const settings = config();
  const database =
    settings.databaseKind === 'postgres'
      ? await openDatabase({
          kind: 'postgres',
          url: settings.databaseUrl!,
          poolMax: settings.poolMax,
          preparedStatements: settings.preparedStatements,
        })
      : await openDatabase({ kind: 'pglite', dataDir: settings.dataDir });
  try {
    await migrateDatabase(database);
    if (settings.seedDemo) await seedDemoData(database.db);
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }
  return database;
}

/**
 * The process's database, opened, migrated and seeded on first use. A failed start is
 * forgotten, so the next request tries again once the server is reachable.
 */
export function getDatabase(): Promise<Database> {
  if (!state.ready) {
    state.ready = start().catch((error: unknown) => {
      state.ready = undefined;
      throw error;
    });
  }
  return state.ready;
}

/** The process's database handle: the same promise for every caller while the database stays the same. */
export function getDb(): Promise<Db> {
  const ready = getDatabase();
  if (state.db?.of !== ready) state.db = { of: ready, db: ready.then((database) => database.db) };
  return state.db.db;
}
