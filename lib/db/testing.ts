import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { Client } from 'pg';
import { readConfig } from '@/lib/config';
import { migrateDatabase, openDatabase, type Database, type DatabaseOptions } from './client';
import type { DataDirFile } from './pglite-worker-client';
import { seedDemoData } from './seed';

export interface TestDatabase extends Database {
  /** The URL of the throwaway PostgreSQL database (through the pooler, if there is one), or null on PGlite. */
  url: string | null;
  /** A direct connection to the same database, for LISTEN; null on PGlite. */
  listenUrl: string | null;
}

/** The backend tests run on: PostgreSQL when DATABASE_URL is set, otherwise in-memory PGlite. */
export const testBackend: 'postgres' | 'pglite' = process.env.DATABASE_URL ? 'postgres' : 'pglite';

/**
 * The server that test databases are made on, directly: DATABASE_LISTEN_URL when DATABASE_URL
 * is a pooler (as in production, see lib/config.ts), since a pooler would keep connections to
 * a template open and create and drop databases on a server connection other tests share.
 */
const directServerUrl = (): string | undefined => process.env.DATABASE_LISTEN_URL || process.env.DATABASE_URL;

/** How a test opens one more pool on a test database: unnamed statements behind a pooler, as the app does. */
export function testPostgresOptions(url: string, poolMax: number): DatabaseOptions {
  return { kind: 'postgres', url, poolMax, preparedStatements: readConfig().preparedStatements };
}

/** What a test database holds when it is handed out. */
type Content = 'empty' | 'migrated' | 'seeded';

/**
 * The databases that test databases are copied from, made once per test run by
 * `prepareTestTemplates` (Vitest's global setup) and handed to the test processes in this
 * variable: on PGlite, data directories on disk, each shut down cleanly; on PostgreSQL, template
 * databases on the server of DATABASE_URL.
 */
const TEMPLATES_VARIABLE = 'PLATFORM_TOKENS_TEST_TEMPLATES';

type Templates =
  | { kind: 'pglite'; dirs: Record<Content, string> }
  | { kind: 'postgres'; serverUrl: string; names: Record<Exclude<Content, 'empty'>, string> };

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function fill(database: Database, content: Content): Promise<void> {
  if (content === 'empty') return;
  await migrateDatabase(database);
  if (content === 'seeded') await seedDemoData(database.db);
}

/**
 * Makes the databases of this test run, each once: an empty one, one with the migrations applied
 * and one also seeded with the demo data (on PostgreSQL the empty one is the server's own
 * template1). Returns the teardown that removes them.
 */
export async function prepareTestTemplates(): Promise<() => Promise<void>> {
  const serverUrl = directServerUrl();
  if (serverUrl) {
    const run = randomBytes(4).toString('hex');
    const names = { migrated: `test_template_${run}_migrated`, seeded: `test_template_${run}_seeded` };
    const drop = async () => {
      for (const name of Object.values(names)) await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
    };
    try {
      for (const content of ['migrated', 'seeded'] as const) {
        const name = names[content];
        // The seeded one starts as a copy of the migrated one, which has no connection by then.
        await adminQuery(serverUrl, content === 'seeded' ? `create database ${name} template ${names.migrated}` : `create database ${name}`);
        const database = await openDatabase({ kind: 'postgres', url: databaseUrl(serverUrl, name), poolMax: 1 });
        try {
          if (content === 'migrated') await migrateDatabase(database);
          else await seedDemoData(database.db);
        } finally {
          await database.close();
        }
        // A template may have no connection while it is copied: nobody may open one to it.
        await adminQuery(serverUrl, `alter database ${name} allow_connections false`);
      }
    } catch (error) {
      await drop().catch(() => undefined);
      throw error;
    }
    const templates: Templates = { kind: 'postgres', serverUrl, names };
    process.env[TEMPLATES_VARIABLE] = JSON.stringify(templates);
    return drop;
  }

  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-tokens-test-db-'));
  const dirs = { empty: path.join(root, 'empty'), migrated: path.join(root, 'migrated'), seeded: path.join(root, 'seeded') };
  const remove = async () => fs.rmSync(root, { recursive: true, force: true });
  try {
    // Each is filled and closed, so that a copy starts without recovery; the next one starts as its copy.
    let previous: string | null = null;
    for (const content of ['empty', 'migrated', 'seeded'] as const) {
      if (previous) fs.cpSync(previous, dirs[content], { recursive: true });
      const database = await openDatabase({ kind: 'pglite', dataDir: dirs[content] });
      try {
        if (content === 'empty') {
          // The default 128 MB of shared buffers is most of what starting a copy costs; test databases are small.
          await database.db.execute(sql`alter system set shared_buffers = '16MB'`);
        }
        if (content === 'migrated') await migrateDatabase(database);
        if (content === 'seeded') await seedDemoData(database.db);
      } finally {
        await database.close();
      }
      previous = dirs[content];
    }
  } catch (error) {
    await remove();
    throw error;
  }
  const templates: Templates = { kind: 'pglite', dirs };
  process.env[TEMPLATES_VARIABLE] = JSON.stringify(templates);
  return remove;
}

function templates(): Templates | null {
  const value = process.env[TEMPLATES_VARIABLE];
  return value ? (JSON.parse(value) as Templates) : null;
}

function readDataDir(dir: string, relative = ''): DataDirFile[] {
  const entries: DataDirFile[] = [];
  for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
    const child = `${relative}/${entry.name}`;
    if (entry.isDirectory()) entries.push({ path: child, data: null }, ...readDataDir(dir, child));
    else entries.push({ path: child, data: new Uint8Array(fs.readFileSync(path.join(dir, child))) });
  }
  return entries;
}

// Each data directory is read once per process; every copy starts from the same bytes (the
// database's thread receives its own copy of them).
const dataDirs = new Map<string, DataDirFile[]>();

function filesOf(dir: string): DataDirFile[] {
  let entries = dataDirs.get(dir);
  if (!entries) {
    entries = readDataDir(dir);
    dataDirs.set(dir, entries);
  }
  return entries;
}

const OBJECT_IN_USE = '55006';

/** CREATE DATABASE … TEMPLATE, again while the server still counts a closing connection to the template. */
async function createDatabase(serverUrl: string, name: string, template: string | null): Promise<void> {
  const statement = template ? `create database ${name} template ${template}` : `create database ${name}`;
  for (let attempt = 1; ; attempt++) {
    try {
      await adminQuery(serverUrl, statement);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== OBJECT_IN_USE || attempt === 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

/**
 * A database of its own for a test file or a test, with the real migrations applied (and the
 * demo data unless `seed` is false; nothing at all if `migrate` is false): an in-memory PGlite,
 * or a new database on the server of DATABASE_URL that is dropped on close. Within a test run it
 * is a copy of the run's template (see `prepareTestTemplates`); without one it is built here.
 */
export async function createTestDatabase(options: { seed?: boolean; migrate?: boolean } = {}): Promise<TestDatabase> {
  const content: Content = options.migrate === false ? 'empty' : (options.seed ?? true) ? 'seeded' : 'migrated';
  const prepared = templates();
  const serverUrl = directServerUrl();
  let database: Database;
  let url: string | null = null;
  let listenUrl: string | null = null;
  let drop: (() => Promise<void>) | null = null;
  let copied: boolean;
  if (serverUrl) {
    const name = `test_${randomBytes(6).toString('hex')}`;
    const template = prepared?.kind === 'postgres' && prepared.serverUrl === serverUrl && content !== 'empty' ? prepared.names[content] : null;
    await createDatabase(serverUrl, name, template);
    copied = template !== null || content === 'empty';
    url = databaseUrl(process.env.DATABASE_URL!, name);
    listenUrl = databaseUrl(serverUrl, name);
    drop = () => adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
    try {
      database = await openDatabase(testPostgresOptions(url, 30));
    } catch (error) {
      await drop().catch(() => undefined);
      throw error;
    }
  } else {
    const dir = prepared?.kind === 'pglite' ? prepared.dirs[content] : null;
    copied = dir !== null;
    database = await openDatabase({ kind: 'pglite', dataDir: null, files: dir ? filesOf(dir) : undefined });
  }
  if (!copied) {
    try {
      await fill(database, content);
    } catch (error) {
      await database.close().catch(() => undefined);
      await drop?.().catch(() => undefined);
      throw error;
    }
  }
  return {
    ...database,
    url,
    listenUrl,
    close: async () => {
      await database.close();
      await drop?.();
    },
  };
}
