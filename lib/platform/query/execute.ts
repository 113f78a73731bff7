import { sql } from 'drizzle-orm';
import type { Db } from '@/lib/db';
import { transactionWithTimeout } from '@/lib/db/client';
import { isStatementTimeout } from '@/lib/db/statement-timeout';
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

/**
 * How long one query may run. On PostgreSQL it holds a pool connection meanwhile, on the embedded
 * database the database itself (one statement at a time): a query past it is stopped.
 */
export const QUERY_TIMEOUT_MS = 5_000;

/** The query ran longer than its timeout and was stopped. */
export class QueryTimeoutError extends Error {
  override name = 'QueryTimeoutError';
}

/**
 * Runs a parsed query over the environment's records; only that environment is ever read. It runs
 * in a read-only transaction whose statements stop after the timeout, so no query can change data
 * or hold a connection, or the embedded database, for long.
 */
export async function executeQuery(
  db: Db,
  environmentId: string,
  query: Query,
  options: { timeoutMs?: number } = {},
): Promise<QueryResult> {
  const timeoutMs = Math.max(1, Math.trunc(options.timeoutMs ?? QUERY_TIMEOUT_MS));
  const { statement, cap, columns } = compileQuery(query, environmentId);
  let result: unknown;
  try {
    result = await transactionWithTimeout(db, timeoutMs, async (tx) => {
      await tx.execute(sql`set transaction read only`);
      return tx.execute(statement);
    });
  } catch (error) {
    if (isStatementTimeout(error)) throw new QueryTimeoutError(`The query ran longer than ${timeoutMs / 1000} seconds and was cancelled.`);
    throw error;
  }
  const rows = (result as unknown as { rows: { r: JsonRecord | string }[] }).rows;
  const records = rows.slice(0, cap).map((row) => {
    // The pg driver parses jsonb; a driver that hands text back gets it parsed here.
    const record = typeof row.r === 'string' ? (JSON.parse(row.r) as JsonRecord) : row.r;
    return columns ? inColumnOrder(record, columns) : record;
  });
  return { records, columns, truncated: rows.length > cap, cap };
}
