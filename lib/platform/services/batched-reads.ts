import type { Db } from '@/lib/db';
import { statementBound } from '@/lib/db/statement-timeout';

// Reads of one row by key that arrive together are answered by one statement: those that come in
// while the database is busy with earlier ones wait, and go out as one statement once it has room,
// reads of the same key sharing one answer. A connection's round trip (a write and a read on each
// side, the database's process woken) costs more than the select itself; one statement for many
// reads pays it once. Every read still goes to the database, sent after the read was asked for, so
// it sees every change that committed before: nothing is kept between batches.
//
// A read that sets its own statement bound (withStatementBound) is sent alone, with that bound.
// When a statement of several keys fails, each key is read again on its own, so that a read fails
// only when its own statement would have.

export interface BatchedReadsOptions<K, R> {
  /** A key's identity: reads of the same key in one batch share one answer. */
  id: (key: K) => string;
  /** One key's row, or null (a batch of one key, and each key again after a batch failed). */
  readOne: (db: Db, key: K) => Promise<R | null>;
  /** The rows of several distinct keys in one statement, by key identity (missing: no row). */
  readMany: (db: Db, keys: readonly K[]) => Promise<Map<string, R>>;
  /** Statements of this reader in flight on a database at once; more reads wait and join a batch. */
  maxInFlight?: number;
  /** Distinct keys of one statement. */
  maxBatch?: number;
}

interface Waiting<K, R> {
  key: K;
  promise: Promise<R | null>;
  resolve: (row: R | null) => void;
  reject: (error: unknown) => void;
}

interface Queue<K, R> {
  waiting: Map<string, Waiting<K, R>>;
  inFlight: number;
  scheduled: boolean;
}

export function batchedReads<K, R>(options: BatchedReadsOptions<K, R>): (db: Db, key: K) => Promise<R | null> {
  const maxInFlight = options.maxInFlight ?? 2;
  const maxBatch = options.maxBatch ?? 100;
  const queues = new WeakMap<Db, Queue<K, R>>();

  const settle = (entry: Waiting<K, R>, read: Promise<R | null>) => read.then(entry.resolve, entry.reject);

  async function run(db: Db, batch: Waiting<K, R>[]): Promise<void> {
    if (batch.length === 1) return settle(batch[0]!, options.readOne(db, batch[0]!.key));
    let rows: Map<string, R>;
    try {
      rows = await options.readMany(
        db,
        batch.map((entry) => entry.key),
      );
    } catch {
      await Promise.all(batch.map((entry) => settle(entry, options.readOne(db, entry.key))));
      return;
    }
    for (const entry of batch) entry.resolve(rows.get(options.id(entry.key)) ?? null);
  }

  function send(db: Db, queue: Queue<K, R>): void {
    queue.scheduled = false;
    while (queue.inFlight < maxInFlight && queue.waiting.size > 0) {
      const batch: Waiting<K, R>[] = [];
      for (const [id, entry] of queue.waiting) {
        queue.waiting.delete(id);
        batch.push(entry);
        if (batch.length >= maxBatch) break;
      }
      queue.inFlight++;
      void run(db, batch).finally(() => {
        queue.inFlight--;
        schedule(db, queue);
      });
    }
  }

  // After the I/O callbacks of this turn of the event loop: the reads of requests that arrived
  // together are gathered by then.
  function schedule(db: Db, queue: Queue<K, R>): void {
    if (queue.scheduled || queue.inFlight >= maxInFlight || queue.waiting.size === 0) return;
    queue.scheduled = true;
    setImmediate(send, db, queue);
  }

  return (db, key) => {
    if (statementBound() !== undefined) return options.readOne(db, key);
    let queue = queues.get(db);
    if (!queue) {
      queue = { waiting: new Map(), inFlight: 0, scheduled: false };
      queues.set(db, queue);
    }
    const id = options.id(key);
    const joined = queue.waiting.get(id);
    if (joined) return joined.promise;
    let resolve!: (row: R | null) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<R | null>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    queue.waiting.set(id, { key, promise, resolve, reject });
    schedule(db, queue);
    return promise;
  };
}
