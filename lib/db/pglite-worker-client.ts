import { Worker } from 'node:worker_threads';
import type { Results, RowMode, Transaction } from '@electric-sql/pglite';
import { pgliteWorkerFile } from './project-files';
import { DEFAULT_STATEMENT_TIMEOUT_MS, statementBound } from './statement-timeout';

// The embedded database as the app sees it: the part of PGlite's interface that drizzle uses
// (query, exec, transaction), served by PGlite in a worker thread (pglite-worker.mjs), so that
// the app's event loop keeps running while a statement runs.
//
// Every statement has a wall-clock bound (statement-timeout.ts). PGlite cannot interrupt a
// statement, so one past its bound is stopped with its thread: it fails with SQLSTATE 57014, as
// PostgreSQL's statement_timeout would, and the transaction it belonged to is over (every
// later statement of it fails; PostgreSQL's recovery rolls it back). A database with a data
// directory is then reopened from it for the next caller, as PostgreSQL restarts after a crashed
// backend. An in-memory database dies with its thread: from then on every call fails and says
// so; it is for tests and tools, and the app always has a data directory.
//
// One caller at a time, as with PGlite itself: a transaction holds the database until it ends.

export interface WorkerPgliteOptions {
  /** A folder, or null for an in-memory database. */
  dataDir: string | null;
  /** A dumped data directory to start from (PGlite's `loadDataDir`), used only by the first start. */
  loadDataDir?: Blob | File;
  /** The files of a closed data directory an in-memory database starts as a copy of, used only by the first start. */
  files?: readonly DataDirFile[];
  /** The bound of statements that set none (default DEFAULT_STATEMENT_TIMEOUT_MS; 0: none). */
  statementTimeoutMs?: number;
}

/** One entry of a data directory: a file with its bytes, or a folder (data null). */
export interface DataDirFile {
  /** Relative to the data directory, starting with '/'. */
  path: string;
  data: Uint8Array | null;
}

export interface QueryOptions {
  rowMode?: RowMode;
  /** Parsers by type OID, applied in this thread to the value as text. */
  parsers?: Record<number, (value: string, typeId: number) => unknown>;
}

type Reply = { id: number; result?: unknown; error?: Record<string, unknown> };
type WireResults = Results & { command?: string };
type Request =
  | { op: 'query'; text: string; params: unknown[]; rowMode: RowMode; rawTypes: number[] }
  | { op: 'exec'; text: string }
  | { op: 'dump'; compression?: 'none' | 'gzip' | 'auto' }
  | { op: 'close' };

/** A PostgreSQL error from the embedded database, with its fields (code, detail, constraint, …). */
export class EmbeddedDatabaseError extends Error {
  override name = 'EmbeddedDatabaseError';
  declare code?: string;
  declare severity?: string;
  declare detail?: string;
  declare constraint?: string;

  constructor(fields: Record<string, unknown>) {
    super(typeof fields.message === 'string' ? fields.message : 'database error');
    for (const [key, value] of Object.entries(fields)) {
      if (key !== 'message' && key !== 'name' && key !== 'stack') (this as Record<string, unknown>)[key] = value;
    }
  }
}

function timeoutError(ms: number): EmbeddedDatabaseError {
  return new EmbeddedDatabaseError({
    message: 'canceling statement due to statement timeout',
    code: '57014',
    severity: 'ERROR',
    detail: `The statement ran longer than ${ms} ms; the embedded database stopped it.`,
  });
}

/** One worker thread and the database session inside it. */
class Session {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  readonly exited: Promise<void>;
  /** Why this session is over; set once. */
  ended: Error | null = null;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private nextId = 1;

  constructor(
    workerData: Record<string, unknown>,
    private readonly onFailure: (session: Session, error: Error) => void,
  ) {
    this.worker = new Worker(pgliteWorkerFile, { workerData });
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.ready = new Promise((resolve, reject) => {
      this.worker.on('message', (message: Reply & { ready?: true; failed?: Record<string, unknown> }) => {
        if (message.ready) {
          this.worker.unref();
          resolve();
        } else if (message.failed) {
          reject(new EmbeddedDatabaseError(message.failed));
          void this.worker.terminate();
        } else {
          this.settle(message);
        }
      });
      const fail = (error: Error) => {
        reject(error);
        this.onFailure(this, error);
      };
      this.worker.on('error', (error) => fail(new Error(`The embedded database stopped unexpectedly: ${error.message}`)));
      this.worker.on('exit', (code) => fail(new Error(`The embedded database stopped unexpectedly (exit code ${code}).`)));
    });
    this.ready.catch(() => undefined);
  }

  /** Sends one request; past `boundMs` (0: none) the session is ended with a timeout error. */
  call(request: Request, boundMs: number): Promise<unknown> {
    if (this.ended) return Promise.reject(this.ended);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = boundMs > 0 ? setTimeout(() => this.onFailure(this, timeoutError(boundMs)), boundMs) : null;
      this.pending.set(id, {
        resolve: (value) => {
          if (timer) clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          if (timer) clearTimeout(timer);
          reject(error);
        },
      });
      try {
        this.worker.postMessage({ id, ...request });
      } catch (error) {
        this.pending.delete(id);
        if (timer) clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (this.pending.size === 1) this.worker.ref();
    });
  }

  /** Ends the session: the call in progress fails with `error`, every later one with `after`. */
  end(error: Error, after: Error): void {
    if (this.ended) return;
    this.ended = after;
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
    void this.worker.terminate();
  }

  private settle(reply: Reply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.error) waiting.reject(new EmbeddedDatabaseError(reply.error));
    else waiting.resolve(reply.result);
  }
}

export class WorkerPglite {
  /** Resolves once the database is open (for code that tells PGlite apart by this property). */
  readonly waitReady: Promise<void>;
  private session: Promise<Session> | null = null;
  /** The session that serves calls, once open. */
  private live: Session | null = null;
  /** Set when an in-memory database is gone for good. */
  private stopped: Error | null = null;
  private lastExit: Promise<void> = Promise.resolve();
  private started = false;
  private tail: Promise<void> = Promise.resolve();
  private isClosed = false;
  private readonly defaultBoundMs: number;

  private constructor(private readonly options: WorkerPgliteOptions) {
    this.defaultBoundMs = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
    this.waitReady = this.current().then(() => undefined);
  }

  /** Opens the database; rejects when it cannot be opened. */
  static async open(options: WorkerPgliteOptions): Promise<WorkerPglite> {
    const client = new WorkerPglite(options);
    await client.waitReady;
    return client;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  async query<T>(text: string, params: unknown[] = [], options: QueryOptions = {}): Promise<Results<T>> {
    return this.exclusive((session) => this.runQuery<T>(session, text, params, options));
  }

  async exec(text: string): Promise<Results[]> {
    return this.exclusive((session) => this.runExec(session, text));
  }

  async transaction<T>(callback: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.exclusive(async (session) => {
      await this.runExec(session, 'BEGIN');
      let closed = false;
      const open = () => {
        if (closed) throw new Error('Transaction is closed');
      };
      const tx = {
        query: async <R>(text: string, params?: unknown[], options?: QueryOptions) => {
          open();
          return this.runQuery<R>(session, text, params ?? [], options ?? {});
        },
        exec: async (text: string) => {
          open();
          return this.runExec(session, text);
        },
        rollback: async () => {
          open();
          await this.runExec(session, 'ROLLBACK');
          closed = true;
        },
        get closed() {
          return closed;
        },
      } as unknown as Transaction;
      try {
        const result = await callback(tx);
        if (!closed) {
          closed = true;
          const [commit] = (await this.runExec(session, 'COMMIT')) as WireResults[];
          if (commit?.command === 'ROLLBACK') throw new EmbeddedDatabaseError({ message: 'The transaction was rolled back', code: '40000' });
        }
        return result;
      } catch (error) {
        if (!closed) {
          closed = true;
          // After a stopped statement the session is gone, and its transaction with it.
          if (!session.ended) await this.runExec(session, 'ROLLBACK').catch(() => undefined);
        }
        throw error;
      }
    });
  }

  /** A dump of the data directory (PGlite's `dumpDataDir`). */
  async dumpDataDir(compression?: 'none' | 'gzip' | 'auto'): Promise<Blob> {
    return this.exclusive((session) => session.call({ op: 'dump', compression }, 0) as Promise<Blob>);
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    await this.exclusive(async (session) => {
      this.isClosed = true;
      await session.call({ op: 'close' }, 0);
    }).catch(() => undefined);
    this.isClosed = true;
    const closed = new Error('The database is closed.');
    this.live?.end(closed, closed);
    await this.lastExit;
  }

  private async runQuery<T>(session: Session, text: string, params: unknown[], options: QueryOptions): Promise<Results<T>> {
    const parsers = options.parsers ?? {};
    const rawTypes = Object.keys(parsers).map(Number);
    const rowMode = options.rowMode ?? 'object';
    const result = (await session.call({ op: 'query', text, params, rowMode, rawTypes }, this.boundMs())) as Results<T>;
    if (rawTypes.length > 0) applyParsers(result, parsers, rowMode);
    return result;
  }

  private async runExec(session: Session, text: string): Promise<Results[]> {
    return (await session.call({ op: 'exec', text }, this.boundMs())) as Results[];
  }

  private boundMs(): number {
    return statementBound() ?? this.defaultBoundMs;
  }

  /** One caller at a time, in arrival order, on the current session. */
  private async exclusive<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise((resolve) => (release = resolve));
    await previous;
    try {
      if (this.isClosed) throw new Error('The database is closed.');
      return await fn(await this.current());
    } finally {
      release();
    }
  }

  /** The open session, or one being opened (again, after a failure). */
  private current(): Promise<Session> {
    if (this.stopped) return Promise.reject(this.stopped);
    if (!this.session) {
      const starting = this.start();
      this.session = starting;
      starting.catch(() => {
        if (this.session === starting) this.session = null;
      });
    }
    return this.session;
  }

  private async start(): Promise<Session> {
    // Only once the previous thread is gone may another open the same folder.
    await this.lastExit;
    // A dump seeds only the first start; a reopened folder has its own data.
    const loadDataDir = this.started ? undefined : this.options.loadDataDir;
    const files = this.started ? undefined : this.options.files;
    this.started = true;
    const session = new Session({ dataDir: this.options.dataDir, loadDataDir, files }, (s, error) => this.failed(s, error));
    this.lastExit = session.exited;
    await session.ready;
    this.live = session;
    return session;
  }

  /** A statement past its bound, or a thread that died: the session ends, and the next caller opens a new one if it can. */
  private failed(session: Session, error: Error): void {
    if (session.ended) return;
    const inMemory = this.options.dataDir === null;
    const after = new EmbeddedDatabaseError({
      message: inMemory
        ? `The in-memory database was stopped (${error.message}); a database without a data directory cannot be reopened.`
        : `The embedded database was restarted (${error.message}); this transaction was rolled back.`,
      code: '57P01',
    });
    session.end(error, after);
    if (inMemory) this.stopped = after;
    if (this.live === session) {
      this.live = null;
      this.session = null;
    }
  }
}

function applyParsers(result: Results<unknown>, parsers: NonNullable<QueryOptions['parsers']>, rowMode: RowMode): void {
  const columns = result.fields.map((field, index) => ({ index, name: field.name, parse: parsers[field.dataTypeID], type: field.dataTypeID }));
  const parsed = columns.filter((c) => c.parse !== undefined);
  if (parsed.length === 0) return;
  for (const row of result.rows as (unknown[] | Record<string, unknown>)[]) {
    for (const c of parsed) {
      const key = rowMode === 'array' ? c.index : c.name;
      const cells = row as Record<string | number, unknown>;
      const value = cells[key];
      if (typeof value === 'string') cells[key] = c.parse!(value, c.type);
    }
  }
}
