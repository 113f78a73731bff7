import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase, transactionWithTimeout, type Database } from './client';
import { WorkerPglite } from './pglite-worker-client';
import { accounts, environments } from './schema';
import { isStatementTimeout } from './statement-timeout';
import { testBackend } from './testing';

// The embedded database in its worker thread (pglite-worker-client.ts). These tests are about the
// embedded database alone, so they run once, in the PGlite run of the suite.

type Rows<T> = { rows: T[] };
const rows = async <T>(result: Promise<unknown>) => ((await result) as Rows<T>).rows;
/** Runs until something stops it: far longer than any test. */
const ENDLESS = sql`select count(*) from generate_series(1, 1e12)`;

/** The longest the event loop went without running a timer while `work` ran. */
async function longestStall(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 10);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(longest, performance.now() - last);
}

async function errorOf(work: Promise<unknown>): Promise<Error> {
  try {
    await work;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the work to fail');
}

describe.skipIf(testBackend !== 'pglite')('the embedded database in a worker thread', () => {
  let dir: string;
  let disk: Database;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglite-worker-'));
    disk = await openDatabase({ kind: 'pglite', dataDir: dir });
    await migrateDatabase(disk);
    await disk.db.execute(sql`create table notes (id int primary key, body text not null)`);
  });
  afterAll(async () => {
    await disk?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const notes = () => rows<{ id: number; body: string }>(disk.db.execute(sql`select id, body from notes order by id`));

  it('keeps 32 MB of shared buffers, which PGlite allocates in full when it starts', async () => {
    expect(await rows(disk.db.execute(sql`show shared_buffers`))).toEqual([{ shared_buffers: '32MB' }]);
  });

  it('serves drizzle: typed rows with timestamps, transactions, savepoints and errors with their code', async () => {
    const createdAt = new Date('2025-03-01T10:00:00.123Z');
    await disk.db.insert(accounts).values({ id: 'worker-test', name: 'Worker test', createdAt });
    const [account] = await disk.db.select().from(accounts).where(eq(accounts.id, 'worker-test'));
    expect(account?.createdAt).toEqual(createdAt);

    await disk.db.transaction(async (tx) => {
      await tx.insert(environments).values({ id: 'worker-env', accountId: 'worker-test', name: 'kept' });
      await tx
        .transaction(async (inner) => {
          await inner.insert(environments).values({ id: 'worker-env-2', accountId: 'worker-test', name: 'rolled back' });
          throw new Error('undo the savepoint');
        })
        .catch(() => undefined);
    });
    const names = await disk.db.select({ id: environments.id }).from(environments).where(eq(environments.accountId, 'worker-test'));
    expect(names).toEqual([{ id: 'worker-env' }]);

    const duplicate = await errorOf(disk.db.insert(accounts).values({ id: 'worker-test', name: 'again' }));
    expect(duplicate.cause).toMatchObject({ code: '23505', constraint: 'accounts_pkey' });
    await expect(disk.db.transaction(async (tx) => tx.execute(sql`select 1/0`))).rejects.toThrow();
    expect(await rows(disk.db.execute(sql`select 1 as one`))).toEqual([{ one: 1 }]);
  });

  // A correctness bound, not a speed figure (bench/ holds those): the app's thread must not
  // freeze while the database works. Timers firing within a second, against a statement that
  // would run for hours, leave room for any machine.
  it('stops a statement past its bound, keeps the event loop running meanwhile, and reopens from the data directory', async () => {
    await disk.db.execute(sql`insert into notes values (1, 'committed before')`);
    const seen: { failure?: Error; inside?: Error; queued?: Promise<unknown> } = {};
    let running!: () => void;
    const longStatementSent = new Promise<void>((resolve) => (running = resolve));
    const stall = await longestStall(async () => {
      const stopped = errorOf(
        transactionWithTimeout(disk.db, 300, async (tx) => {
          await tx.execute(sql`insert into notes values (2, 'written by the stopped transaction')`);
          try {
            const endless = tx.execute(ENDLESS);
            running();
            await endless;
          } catch (error) {
            // The transaction is over: nothing more of it reaches the database.
            seen.inside = await errorOf(tx.execute(sql`insert into notes values (3, 'written after the stop')`));
            throw error;
          }
        }),
      );
      // Another caller, who waits for the database meanwhile.
      await longStatementSent;
      seen.queued = notes();
      seen.failure = await stopped;
    });
    expect(stall).toBeLessThan(1_000);
    expect(isStatementTimeout(seen.failure)).toBe(true);
    expect(String(seen.failure?.cause)).toContain('canceling statement due to statement timeout');
    expect(seen.inside?.cause).toMatchObject({ code: '57P01' });
    expect(String(seen.inside?.cause)).toContain('The embedded database was restarted');
    // The waiting caller runs on the reopened database, which has exactly what was committed.
    expect(await seen.queued).toEqual([{ id: 1, body: 'committed before' }]);
    await disk.db.execute(sql`insert into notes values (4, 'written after reopening')`);
    expect((await notes()).map((n) => n.id)).toEqual([1, 4]);
  });

  it('rolls back a write stopped midway: none of its rows are kept', async () => {
    const before = await notes();
    const failure = await errorOf(
      transactionWithTimeout(disk.db, 300, (tx) =>
        tx.execute(sql`insert into notes select i, repeat('x', 100) from generate_series(1000, 1e12) i`),
      ),
    );
    expect(isStatementTimeout(failure)).toBe(true);
    expect(await notes()).toEqual(before);
  });

  it('keeps the data of a database stopped mid-write when it is opened again later', async () => {
    await disk.db.execute(sql`insert into notes values (5, 'last committed')`);
    const failure = await errorOf(
      transactionWithTimeout(disk.db, 300, (tx) => tx.execute(sql`insert into notes select i, 'x' from generate_series(2000, 1e12) i`)),
    );
    expect(isStatementTimeout(failure)).toBe(true);
    await disk.close();
    disk = await openDatabase({ kind: 'pglite', dataDir: dir });
    expect((await notes()).map((n) => n.id)).toEqual([1, 4, 5]);
  });

  it('opens an in-memory database from a dump of another (loadDataDir)', async () => {
    const dump = await (disk.db as unknown as { $client: WorkerPglite }).$client.dumpDataDir('gzip');
    const copy = await openDatabase({ kind: 'pglite', dataDir: null, loadDataDir: dump });
    try {
      expect((await rows<{ id: number }>(copy.db.execute(sql`select id from notes order by id`))).map((n) => n.id)).toEqual([1, 4, 5]);
    } finally {
      await copy.close();
    }
  });

  it('prepares a statement once per text and runs it with each call\'s parameters', async () => {
    const memory = await WorkerPglite.open({ dataDir: null });
    try {
      const listing = 'select statement from pg_prepared_statements order by statement';
      const prepared = async () => (await memory.query<{ statement: string }>(listing)).rows.map((r) => r.statement).filter((text) => text !== listing);
      await memory.query('create table t (n int primary key, label text)');
      const insert = 'insert into t values ($1, $2)';
      for (let n = 1; n <= 3; n++) await memory.query(insert, [n, `label ${n}`]);
      expect((await memory.query('select n, label from t where n >= $1 order by n', [2])).rows).toEqual([
        { n: 2, label: 'label 2' },
        { n: 3, label: 'label 3' },
      ]);
      expect((await memory.query('select n, label from t where n >= $1 order by n', [3])).rows).toEqual([{ n: 3, label: 'label 3' }]);
      // One statement per text, whatever the parameters: the insert once, the select once.
      expect((await prepared()).filter((text) => text === insert || text.startsWith('select n, label'))).toEqual([
        insert,
        'select n, label from t where n >= $1 order by n',
      ]);

      // A schema change: the statement is planned again, and one whose columns changed is prepared again.
      const star = 'select * from t where n = $1';
      expect((await memory.query(star, [1])).rows).toEqual([{ n: 1, label: 'label 1' }]);
      await memory.query("alter table t add column note text not null default 'none'");
      expect((await memory.query(star, [1])).rows).toEqual([{ n: 1, label: 'label 1', note: 'none' }]);

      // Statements dropped behind the thread's back (DEALLOCATE ALL) are prepared again.
      await memory.query('deallocate all');
      expect(await prepared()).toEqual([]);
      expect((await memory.query(star, [2])).rows).toEqual([{ n: 2, label: 'label 2', note: 'none' }]);
      await memory.exec('prepare by_hand as select 1; deallocate all');
      expect((await memory.query(star, [3])).rows).toEqual([{ n: 3, label: 'label 3', note: 'none' }]);
      // Written so that the thread cannot tell: the statement is found missing and prepared again.
      await memory.exec('discard /* everything */ all');
      expect((await memory.query(star, [3])).rows).toEqual([{ n: 3, label: 'label 3', note: 'none' }]);

      // A statement that fails to parse is reported and not kept; a failed one inside a transaction ends it.
      await expect(memory.query('select from where $1', [1])).rejects.toMatchObject({ code: '42601' });
      await memory.exec('begin');
      await expect(memory.query(insert, [1, 'again'])).rejects.toMatchObject({ code: '23505' });
      await expect(memory.query(star, [1])).rejects.toMatchObject({ code: '25P02' });
      await memory.exec('rollback');
      expect((await memory.query('select count(*)::int as count from t')).rows).toEqual([{ count: 3 }]);

      // The session keeps at most 300: the least recently used are closed.
      for (let i = 0; i < 320; i++) await memory.query(`select $1::int + ${i} as n`, [i]);
      const kept = await prepared();
      expect(kept.length).toBeLessThanOrEqual(301);
      expect(kept).toContain('select $1::int + 319 as n');
      expect(kept).not.toContain('select $1::int + 0 as n');
      expect((await memory.query('select $1::int + 0 as n', [5])).rows).toEqual([{ n: 5 }]);
    } finally {
      await memory.close();
    }
  });

  it('bounds every statement, and an in-memory database stopped by its bound is gone for good, saying so', async () => {
    const memory = await WorkerPglite.open({ dataDir: null, statementTimeoutMs: 300 });
    try {
      await memory.query('create table t (n int)');
      const failure = await errorOf(memory.query('select count(*) from generate_series(1, 1e12)'));
      expect(failure).toMatchObject({ code: '57014' });
      const after = await errorOf(memory.query('select * from t'));
      expect(after).toMatchObject({ code: '57P01' });
      expect(after.message).toContain('The in-memory database was stopped');
      expect(after.message).toContain('cannot be reopened');
    } finally {
      await memory.close();
    }
    await expect(memory.query('select 1')).rejects.toThrow('The database is closed.');
  });
});
