import { sql } from 'drizzle-orm';
import type { Executor } from './client';

type Rows<T> = { rows: T[] };

/**
 * Every table of the app with its row count and a hash of all its rows, one line per table, to
 * show that a refused change changed nothing: a failed comparison names the table that changed.
 * The rows are hashed by the database in one statement, so a snapshot costs one round trip.
 * The failure counts of the rate limits are left out: a refused attempt is meant to be counted.
 */
export async function databaseSnapshot(db: Executor): Promise<string> {
  const tables = (await db.execute(
    sql`select c.relname as name from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and c.relname <> 'failure_counts' order by c.relname`,
  )) as unknown as Rows<{ name: string }>;
  if (tables.rows.length === 0) return '';
  // Each row as its text form, sorted byte-wise: the same rows give the same hash in any order.
  const perTable = tables.rows.map(({ name }) => {
    const quoted = `"${name.replaceAll('"', '""')}"`;
    const literal = `'${name.replaceAll("'", "''")}'`;
    return `select ${literal} as name, count(*) as row_count, md5(coalesce(array_agg(t::text order by t::text collate "C")::text, '')) as hash from ${quoted} t`;
  });
  const hashed = (await db.execute(
    sql.raw(`select name, row_count::int as row_count, hash from (${perTable.join(' union all ')}) s order by name`),
  )) as unknown as Rows<{ name: string; row_count: number; hash: string }>;
  return hashed.rows.map((r) => `${r.name}: ${r.row_count} rows, md5 ${r.hash}`).join('\n');
}
