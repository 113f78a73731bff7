import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { Client } from 'pg';
import { readConfig } from '@/lib/config';
import { embeddedDatabase, migrateDatabase, openDatabase, type Database, type DatabaseOptions, type EmbeddedClient, type Executor } from './client';
import { WorkerPglite, type DataDirFile } from './pglite-worker-client';
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
  | { kind: 'pglite'; dirs: Record<Content, string>; restore: Record<Exclude<Content, 'empty'>, RestorePoint> }
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
  const restore: Partial<Record<Exclude<Content, 'empty'>, RestorePoint>> = {};
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
        if (content !== 'empty') restore[content] = await saveRestorePoint(database.db);
      } finally {
        await database.close();
      }
      previous = dirs[content];
    }
  } catch (error) {
    await remove();
    throw error;
  }
  const templates: Templates = { kind: 'pglite', dirs, restore: restore as Record<Exclude<Content, 'empty'>, RestorePoint> };
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

/** Where a PGlite template keeps a copy of its tables, to be put back by a restore. */
const RESTORE_SCHEMA = 'test_restore';

/**
 * The schema of the app as the catalog describes it: tables, columns, constraints, triggers,
 * functions, database settings and extensions. A restore puts rows back, not a changed schema;
 * a database whose fingerprint differs after one is not used again.
 */
const FINGERPRINT_SQL = `select md5(coalesce(string_agg(x, ',' order by x), '')) as fingerprint from (
  select 'r:' || c.relname || ':' || c.relkind::text || ':' || c.relpersistence::text from pg_class c where c.relnamespace = 'public'::regnamespace
  union all select 'a:' || c.relname || '.' || a.attname || ':' || format_type(a.atttypid, a.atttypmod) || ':' || a.attnotnull::text || ':' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
    from pg_attribute a join pg_class c on c.oid = a.attrelid left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where c.relnamespace = 'public'::regnamespace and a.attnum > 0 and not a.attisdropped
  union all select 'k:' || conname || ':' || pg_get_constraintdef(oid) from pg_constraint where connamespace = 'public'::regnamespace
  union all select 't:' || t.tgname || ':' || t.tgenabled::text from pg_trigger t join pg_class c on c.oid = t.tgrelid where c.relnamespace = 'public'::regnamespace
  union all select 'f:' || p.proname || ':' || md5(p.prosrc) from pg_proc p where p.pronamespace = 'public'::regnamespace
  union all select 's:' || array_to_string(setconfig, ',') from pg_db_role_setting
  union all select 'x:' || extname || ':' || extversion from pg_extension
) s(x)`;

/** What puts a used copy of a PGlite template back as it was made: the statements, and the schema's fingerprint. */
interface RestorePoint {
  script: string;
  fingerprint: string;
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * Copies every table's rows into RESTORE_SCHEMA and writes the statements that put them back:
 * every table emptied, the copied rows inserted (constraints and triggers off meanwhile, so no
 * order and no notification), every sequence set to where it was.
 */
async function saveRestorePoint(db: Executor): Promise<RestorePoint> {
  const rows = <T>(result: unknown) => (result as { rows: T[] }).rows;
  await db.execute(sql.raw(`drop schema if exists ${RESTORE_SCHEMA} cascade`));
  await db.execute(sql.raw(`create schema ${RESTORE_SCHEMA}`));
  const tables = rows<{ name: string; columns: string[] }>(
    await db.execute(sql`
      select c.relname as name, array_agg(a.attname::text order by a.attnum) as columns
      from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
      where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'
      group by c.relname order by c.relname`),
  );
  const inserts: string[] = [];
  for (const { name, columns } of tables) {
    await db.execute(sql.raw(`create table ${RESTORE_SCHEMA}.${ident(name)} as table public.${ident(name)}`));
    const [counted] = rows<{ n: number }>(await db.execute(sql.raw(`select count(*)::int as n from ${RESTORE_SCHEMA}.${ident(name)}`)));
    if (counted!.n === 0) continue;
    const list = columns.map(ident).join(', ');
    inserts.push(`insert into public.${ident(name)} (${list}) overriding system value select ${list} from ${RESTORE_SCHEMA}.${ident(name)};`);
  }
  const sequences = rows<{ name: string }>(await db.execute(sql`select c.relname as name from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind = 'S' order by 1`));
  const setvals: string[] = [];
  for (const { name } of sequences) {
    const [state] = rows<{ last_value: string; is_called: boolean }>(await db.execute(sql.raw(`select last_value::text, is_called from public.${ident(name)}`)));
    setvals.push(`select setval(${literal(`public.${ident(name)}`)}, ${state!.last_value}, ${state!.is_called});`);
  }
  const script = [
    'set session_replication_role = replica;',
    tables.length > 0 ? `truncate table ${tables.map((t) => `public.${ident(t.name)}`).join(', ')} restart identity;` : '',
    ...inserts,
    ...setvals,
    'set session_replication_role = origin;',
  ].join('\n');
  const [schema] = rows<{ fingerprint: string }>(await db.execute(sql.raw(FINGERPRINT_SQL)));
  return { script, fingerprint: schema!.fingerprint };
}

/** In-memory copies of a template that a test has closed, each ready to be restored for the next. */
const idleCopies = new Map<string, WorkerPglite[]>();

/** Puts a used copy back as its template was; false when it cannot be (its thread stopped, its schema changed). */
async function restored(client: WorkerPglite, point: RestorePoint): Promise<boolean> {
  try {
    // Whatever the last test left in the session: an open transaction, settings, locks, temporary
    // objects. This is DISCARD ALL but for DEALLOCATE ALL and DISCARD PLANS: the statements the
    // embedded client prepared (pglite-worker.mjs) stay for the next test, as its schema does.
    await client.exec('rollback');
    await client.exec('close all; set session authorization default; reset all; unlisten *; select pg_advisory_unlock_all(); discard temp; discard sequences');
    await client.exec(point.script);
    const [result] = await client.exec(FINGERPRINT_SQL);
    return (result?.rows[0] as { fingerprint?: string } | undefined)?.fingerprint === point.fingerprint;
  } catch {
    return false;
  }
}

/**
 * A copy of a PGlite template: a closed one of this process restored, or a new one. Starting
 * PGlite costs seconds, a restore a fraction of that. Each test gets a client of its own that
 * stops working when it is closed, so nothing a test left running reaches the next one's data.
 */
async function leaseEmbedded(dir: string, point: RestorePoint): Promise<Database> {
  const idle = idleCopies.get(dir) ?? [];
  idleCopies.set(dir, idle);
  let client: WorkerPglite | undefined;
  while (!client && idle.length > 0) {
    const candidate = idle.pop()!;
    if (await restored(candidate, point)) client = candidate;
    else await candidate.close().catch(() => undefined);
  }
  client ??= await WorkerPglite.open({ dataDir: null, files: filesOf(dir) });
  const shared = client;
  let released = false;
  const open = () => {
    if (released) throw new Error('The database is closed.');
  };
  const leased: EmbeddedClient = {
    waitReady: shared.waitReady,
    query: async (text, params, options) => (open(), shared.query(text, params, options)),
    exec: async (text) => (open(), shared.exec(text)),
    transaction: async (callback) => (open(), shared.transaction(callback)),
  };
  return embeddedDatabase(leased, async () => {
    if (released) return;
    released = true;
    if (shared.closed) return;
    idle.push(shared);
  });
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
    const point = prepared?.kind === 'pglite' && content !== 'empty' ? prepared.restore[content] : null;
    database = dir && point ? await leaseEmbedded(dir, point) : await openDatabase({ kind: 'pglite', dataDir: null, files: dir ? filesOf(dir) : undefined });
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
