import { sql } from 'drizzle-orm';
import type { Db } from '@/lib/db';
import { isEmbedded, transactionWithTimeout } from '@/lib/db/client';
import { isStatementTimeout } from '@/lib/db/statement-timeout';
import type { Query } from './ast';
import { columnsOf, compileQuery, recordScan, resultCap } from './compile-sql';
import { EvaluationDeadlineError, evaluateInMemory, Pacer, type StoredRecord } from './evaluate-in-memory';
import type { JsonRecord } from './semantics';

export interface QueryResult {
  records: JsonRecord[];
  /** Keys of each record in order, when the query fixes them (fields, summarize). */
  columns: readonly string[] | null;
  /** True when more records matched than the response carries. */
  truncated: boolean;
  /** How many records the response may carry at most (resultCap). */
  cap: number;
}

function inColumnOrder(record: JsonRecord, columns: readonly string[]): JsonRecord {
  const out: JsonRecord = {};
  for (const c of columns) out[c] = record[c] ?? null;
  return out;
}

/**
 * How long one query may run. On PostgreSQL it holds a pool connection meanwhile; on the embedded
 * database it shares the one thread with everyone's requests. A query past it is stopped.
 */
export const QUERY_TIMEOUT_MS = 5_000;

/**
 * The most records one query reads on the embedded database, which holds them in memory while it
 * evaluates the query; a leading filter on `timestamp` narrows what is read.
 */
export const EMBEDDED_SCAN_LIMIT = 50_000;

/** Records read per statement on the embedded database: each statement is short, so others interleave. */
const SCAN_BATCH = 2_000;

/** A query refused at one of its bounds (time, records read); the message says which. */
export class QueryBoundError extends Error {
  override name = 'QueryBoundError';
}

/** The query ran longer than its timeout and was stopped. */
export class QueryTimeoutError extends QueryBoundError {
  override name = 'QueryTimeoutError';
}

const timeoutError = (ms: number) =>
  new QueryTimeoutError(`The query ran longer than ${ms / 1000} second${ms === 1000 ? '' : 's'} and was cancelled. Narrow it with filter or limit.`);

/**
 * How the query runs: as one SQL statement (PostgreSQL, where the server runs many at once), or
 * paced (the embedded database): the records are read in short statements and the query is
 * evaluated in memory, pausing every few milliseconds, so other users are answered meanwhile.
 */
export type QueryStrategy = 'statement' | 'paced';

/**
 * Runs a parsed query over the environment's records; only that environment is ever read, and
 * nothing is written. It stops after the timeout, so no query holds a connection, or the embedded
 * database, for long.
 */
export async function executeQuery(
  db: Db,
  environmentId: string,
  query: Query,
  options: { timeoutMs?: number; strategy?: QueryStrategy; maxResultRecords?: number } = {},
): Promise<QueryResult> {
  const timeoutMs = Math.max(1, Math.trunc(options.timeoutMs ?? QUERY_TIMEOUT_MS));
  const strategy = options.strategy ?? (isEmbedded(db) ? 'paced' : 'statement');
  const cap = resultCap(query, options.maxResultRecords);
  const columns = columnsOf(query.commands);
  const all = strategy === 'paced' ? await runPaced(db, environmentId, query, timeoutMs, cap) : await runStatement(db, environmentId, query, timeoutMs, cap);
  const records = all.slice(0, cap).map((record) => (columns ? inColumnOrder(record, columns) : record));
  return { records, columns, truncated: all.length > cap, cap };
}

async function runStatement(db: Db, environmentId: string, query: Query, timeoutMs: number, cap: number): Promise<JsonRecord[]> {
  const { statement } = compileQuery(query, environmentId, cap);
  let result: unknown;
  try {
    result = await transactionWithTimeout(db, timeoutMs, async (tx) => {
      await tx.execute(sql`set transaction read only`);
      return tx.execute(statement);
    });
  } catch (error) {
    if (isStatementTimeout(error)) throw timeoutError(timeoutMs);
    throw error;
  }
  const rows = (result as unknown as { rows: { r: JsonRecord | string }[] }).rows;
  // The pg driver parses jsonb; a driver that hands text back gets it parsed here.
  return rows.map((row) => (typeof row.r === 'string' ? (JSON.parse(row.r) as JsonRecord) : row.r));
}

async function runPaced(db: Db, environmentId: string, query: Query, timeoutMs: number, cap: number): Promise<JsonRecord[]> {
  const deadline = performance.now() + timeoutMs;
  const { batch, needed, rest } = recordScan(query, environmentId, cap);
  const stored: StoredRecord[] = [];
  // Newest first, each batch after the last record of the one before. Without one transaction
  // around them (it would hold the embedded database throughout), a record ingested meanwhile
  // may or may not be seen.
  let after: StoredRecord | undefined;
  while (stored.length < needed) {
    if (performance.now() > deadline) throw timeoutError(timeoutMs);
    const size = Math.min(SCAN_BATCH, needed - stored.length, EMBEDDED_SCAN_LIMIT + 1 - stored.length);
    // A batch is one short walk along the index; the deadline is checked between batches (a
    // batch stopped at the bound would stop the embedded database for everyone).
    const result = await db.execute(batch(after ?? null, size));
    const text = (result as unknown as { rows: { batch: string }[] }).rows[0]?.batch ?? '[]';
    const rows = JSON.parse(text) as [string, string, JsonRecord][];
    for (const [id, timestamp, record] of rows) stored.push({ id: Number(id), timestamp: new Date(timestamp), record });
    if (stored.length > EMBEDDED_SCAN_LIMIT) {
      throw new QueryBoundError(
        `The query reads more than ${EMBEDDED_SCAN_LIMIT.toLocaleString('en-US')} records, the most one query reads on the embedded database. Narrow it with a filter on timestamp right after fetch, or query the newest records with limit right after fetch.`,
      );
    }
    if (rows.length < size) break;
    after = stored.at(-1);
  }
  try {
    return await evaluateInMemory(rest, stored, new Pacer(deadline));
  } catch (error) {
    if (error instanceof EvaluationDeadlineError) throw timeoutError(timeoutMs);
    throw error;
  }
}
