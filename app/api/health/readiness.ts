import { sql } from 'drizzle-orm';
import type { Database } from '@/lib/db';

export type Readiness = { ready: true } | { ready: false; reason: string };

export const NOT_STARTED = 'The database is not ready yet: it is starting or its migrations are still running.';
export const NOT_REACHABLE = 'The database could not be opened or migrated; the server log says why.';
export const NOT_ANSWERING = 'The database did not answer.';

const TIMED_OUT = Symbol('timed out');

/** The promise's outcome, or TIMED_OUT when it takes longer than `ms`; a later rejection is absorbed. */
async function within<T>(promise: Promise<T>, ms: number): Promise<{ value: T } | { error: unknown } | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([promise.then((value) => ({ value }), (error: unknown) => ({ error })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether this instance can serve: its database is open and migrated (`open` resolves) and answers
 * `select 1`, each within `timeoutMs`. Concurrent callers share one probe, so a database that
 * hangs holds one connection for health checks, not one per check.
 */
export function readinessCheck(open: () => Promise<Database>, timeoutMs = 2_000): () => Promise<Readiness> {
  let inFlight: Promise<Readiness> | null = null;
  let wasReady: boolean | null = null;

  async function probe(): Promise<Readiness> {
    const opened = await within(open(), timeoutMs);
    if (opened === TIMED_OUT) return { ready: false, reason: NOT_STARTED };
    if ('error' in opened) return { ready: false, reason: NOT_REACHABLE };
    const answered = await within(opened.value.db.execute(sql`select 1`), timeoutMs);
    if (answered === TIMED_OUT || 'error' in answered) return { ready: false, reason: NOT_ANSWERING };
    return { ready: true };
  }

  return () => {
    inFlight ??= probe()
      .then((readiness) => {
        // Logged when it changes, not on every poll of a load balancer.
        if (wasReady !== null && wasReady !== readiness.ready) {
          console.log(readiness.ready ? '[health] ready' : `[health] not ready: ${readiness.reason}`);
        }
        wasReady = readiness.ready;
        return readiness;
      })
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  };
}
