import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { migrateDatabase, openDatabase, type Database } from './client';
import { seedDemoData } from './seed';

export interface TestDatabase extends Database {
  /** The URL of the throwaway PostgreSQL database, or null on PGlite. */
  url: string | null;
}

/** The backend tests run on: PostgreSQL when DATABASE_URL is set, otherwise in-memory PGlite. */
export const testBackend: 'postgres' | 'pglite' = process.env.DATABASE_URL ? 'postgres' : 'pglite';

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * A fresh database with the real migrations applied (and the demo data unless `seed` is false):
 * an in-memory PGlite, or a new database on the server of DATABASE_URL that is dropped on close.
 */
export async function createTestDatabase(options: { seed?: boolean } = {}): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  let database: Database;
  let url: string | null = null;
  let drop: (() => Promise<void>) | null = null;
  if (serverUrl) {
    const name = `test_${randomBytes(6).toString('hex')}`;
    await adminQuery(serverUrl, `create database ${name}`);
    const target = new URL(serverUrl);
    target.pathname = `/${name}`;
    url = target.toString();
    database = await openDatabase({ kind: 'postgres', url, poolMax: 30 });
    drop = () => adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
  } else {
    database = await openDatabase({ kind: 'pglite', dataDir: null });
  }
  await migrateDatabase(database);
  if (options.seed ?? true) await seedDemoData(database.db);
  return {
    ...database,
    url,
    close: async () => {
      await database.close();
      await drop?.();
    },
  };
}
