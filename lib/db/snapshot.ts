import { sql } from 'drizzle-orm';
import type { Executor } from './client';

type Rows<T> = { rows: T[] };

/** Every row of every table of the app as text, to show that a refused change changed nothing. */
export async function databaseSnapshot(db: Executor): Promise<string> {
  const tables = (await db.execute(
    sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  )) as unknown as Rows<{ table_name: string }>;
  const parts: string[] = [];
  for (const { table_name } of tables.rows) {
    const rows = (await db.execute(sql.raw(`select * from "${table_name}"`))) as unknown as Rows<unknown>;
    parts.push(`${table_name}:${rows.rows.map((r) => JSON.stringify(r)).sort().join('\n')}`);
  }
  return parts.join('\n---\n');
}
