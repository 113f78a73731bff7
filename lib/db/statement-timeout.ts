import { AsyncLocalStorage } from 'node:async_hooks';
import { sqlState } from './sql-state';

// How long one statement may run. PostgreSQL enforces it itself (statement_timeout); the embedded
// database enforces it by stopping its worker (pglite-worker-client.ts), which reads the bound
// of the code that sent the statement from here.

/** The bound of every statement that sets none of its own, on either database. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

const bounds = new AsyncLocalStorage<number>();

/** Runs `fn` with every statement it sends bounded by `ms` on the embedded database (0: none). */
export function withStatementBound<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  return bounds.run(Math.max(0, Math.trunc(ms)), fn);
}

/** The bound of the statements sent from here, when the caller set one. */
export function statementBound(): number | undefined {
  return bounds.getStore();
}

/** Whether the error (or one it wraps) is a statement that was cancelled or stopped for running too long. */
export function isStatementTimeout(error: unknown): boolean {
  return sqlState(error) === '57014';
}
