import type { Executor } from '@/lib/db';
import type { Query } from './ast';
import { compileQuery } from './compile-sql';
import type { JsonRecord } from './semantics';

export interface QueryResult {
  records: JsonRecord[];
  /** Keys of each record in order, when the query fixes them (fields, summarize). */
  columns: readonly string[] | null;
  /** True when more records matched than the response carries. */
  truncated: boolean;
  /** How many records the response may carry at most (1,000 without a limit, else 10,000). */
  cap: number;
}

function inColumnOrder(record: JsonRecord, columns: readonly string[]): JsonRecord {
  const out: JsonRecord = {};
  for (const c of columns) out[c] = record[c] ?? null;
  return out;
}

/** Runs a parsed query over the environment's records; only that environment is ever read. */
export async function executeQuery(db: Executor, environmentId: string, query: Query): Promise<QueryResult> {
  const { statement, cap, columns } = compileQuery(query, environmentId);
  const result = await db.execute(statement);
  const rows = (result as unknown as { rows: { r: JsonRecord | string }[] }).rows;
  const records = rows.slice(0, cap).map((row) => {
    // The pg driver parses jsonb; a driver that hands text back gets it parsed here.
    const record = typeof row.r === 'string' ? (JSON.parse(row.r) as JsonRecord) : row.r;
    return columns ? inColumnOrder(record, columns) : record;
  });
  return { records, columns, truncated: rows.length > cap, cap };
}
