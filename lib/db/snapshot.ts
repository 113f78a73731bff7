import { sql } from 'drizzle-orm';
import { isEmbedded, type Executor } from './client';

type Rows<T> = { rows: T[] };
type Hashed = Rows<{ name: string; row_count: number; hash: string }>;

/** The tables a snapshot covers, per database: the schema does not change while it is in use. */
const tablesOf = new WeakMap<Executor, Promise<string[]>>();

async function listTables(db: Executor): Promise<string[]> {
  const tables = (await db.execute(
    sql`select c.relname as name from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and c.relname <> 'failure_counts' order by c.relname`,
  )) as unknown as Rows<{ name: string }>;
  return tables.rows.map((r) => r.name);
}

/** The name of the snapshot's statement, prepared once per session of the embedded database. */
const PREPARED = 'database_snapshot';
/** The embedded databases whose session holds the prepared snapshot statement. */
const preparedOn = new WeakMap<Executor, Promise<void>>();
const UNDEFINED_PREPARED_STATEMENT = '26000';

function errorCode(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === 'string') return e.code;
  }
  return undefined;
}

/**
 * Runs the snapshot statement. Planning a union of every table costs the embedded database (one
 * session, PostgreSQL in WebAssembly) many times what running it does, so there it is prepared
 * once and executed after that; again if its session was restarted meanwhile. Elsewhere it is
 * sent as it is: a pool's connections (or a pooler's) do not share prepared statements.
 */
async function hashTables(db: Executor, text: string): Promise<Hashed> {
  if (!isEmbedded(db)) return (await db.execute(sql.raw(text))) as unknown as Hashed;
  for (let attempt = 1; ; attempt++) {
    let prepared = preparedOn.get(db);
    if (!prepared) {
      prepared = db.execute(sql.raw(`prepare ${PREPARED} as ${text}`)).then(() => undefined);
      preparedOn.set(db, prepared);
      prepared.catch(() => preparedOn.delete(db));
    }
    await prepared;
    try {
      return (await db.execute(sql.raw(`execute ${PREPARED}`))) as unknown as Hashed;
    } catch (error) {
      if (errorCode(error) !== UNDEFINED_PREPARED_STATEMENT || attempt === 2) throw error;
      preparedOn.delete(db);
    }
  }
}

/**
 * Every table of the app with its row count and a hash of all its rows, one line per table, to
 * show that a refused change changed nothing: a failed comparison names the table that changed.
 * The rows are hashed by the database in one statement, so a snapshot costs one round trip.
 * The failure counts of the rate limits are left out: a refused attempt is meant to be counted.
 */
export async function databaseSnapshot(db: Executor): Promise<string> {
  let listed = tablesOf.get(db);
  if (!listed) {
    listed = listTables(db);
    tablesOf.set(db, listed);
    listed.catch(() => tablesOf.delete(db));
  }
  const names = await listed;
  if (names.length === 0) return '';
  // Each row's text form hashed to 64 bits and summed: the same rows (with their multiplicity)
  // give the same sum in any order, without sorting or collecting the rows.
  const perTable = names.map((name) => {
    const quoted = `"${name.replaceAll('"', '""')}"`;
    const literal = `'${name.replaceAll("'", "''")}'`;
    return `select ${literal} as name, count(*) as row_count, coalesce(sum(hashtextextended(t::text, 0)), 0)::text as hash from ${quoted} t`;
  });
  const hashed = await hashTables(db, `select name, row_count::int as row_count, hash from (${perTable.join(' union all ')}) s order by name`);
  return hashed.rows.map((r) => `${r.name}: ${r.row_count} rows, hash ${r.hash}`).join('\n');
}
