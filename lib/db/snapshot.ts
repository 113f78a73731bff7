import { sql } from 'drizzle-orm';
import type { Executor } from './client';

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
  // Planning this union of every table costs many times what running it does: the embedded
  // database prepares it once per session (pglite-worker.mjs).
  const hashed = (await db.execute(sql.raw(`select name, row_count::int as row_count, hash from (${perTable.join(' union all ')}) s order by name`))) as unknown as Hashed;
  return hashed.rows.map((r) => `${r.name}: ${r.row_count} rows, hash ${r.hash}`).join('\n');
}
