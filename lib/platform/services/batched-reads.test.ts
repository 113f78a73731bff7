import { describe, expect, it } from 'vitest';
import type { Db } from '@/lib/db';
import { withStatementBound } from '@/lib/db/statement-timeout';
import { batchedReads } from './batched-reads';

// The reader against fake statements: which keys each statement reads, and what each read gets.

function fake(options: { failMany?: boolean; failOne?: (key: string) => boolean; maxInFlight?: number } = {}) {
  const statements: string[][] = [];
  const gates: (() => void)[] = [];
  let hold = false;
  const wait = () => (hold ? new Promise<void>((resolve) => gates.push(resolve)) : Promise.resolve());
  const row = (key: string) => (key.startsWith('missing') ? null : { key, read: statements.length });
  const read = batchedReads<string, { key: string; read: number }>({
    id: (key) => key,
    maxInFlight: options.maxInFlight,
    async readOne(_db, key) {
      statements.push([key]);
      await wait();
      if (options.failOne?.(key)) throw new Error(`cannot read ${key}`);
      return row(key);
    },
    async readMany(_db, keys) {
      statements.push([...keys]);
      await wait();
      if (options.failMany) throw new Error('the batch failed');
      return new Map(keys.flatMap((key) => (row(key) ? [[key, row(key)!] as const] : [])));
    },
  });
  return {
    read,
    statements,
    hold: () => (hold = true),
    release: () => {
      hold = false;
      gates.splice(0).forEach((open) => open());
    },
  };
}

const db = {} as Db;

describe('batched reads', () => {
  it('answers reads asked for together with one statement, one key once', async () => {
    const f = fake();
    const rows = await Promise.all(['a', 'b', 'a', 'missing', 'c'].map((key) => f.read(db, key)));
    expect(f.statements).toEqual([['a', 'b', 'missing', 'c']]);
    expect(rows.map((r) => r?.key ?? null)).toEqual(['a', 'b', 'a', null, 'c']);
    expect(rows[0]).toBe(rows[2]);
  });

  it('reads one key alone with its own statement', async () => {
    const f = fake();
    expect(await f.read(db, 'a')).toMatchObject({ key: 'a' });
    expect(await f.read(db, 'missing')).toBeNull();
    expect(f.statements).toEqual([['a'], ['missing']]);
  });

  it('gathers the reads that come while the statements in flight are at their limit, never joining one under way', async () => {
    const f = fake({ maxInFlight: 1 });
    f.hold();
    const first = f.read(db, 'a');
    await new Promise((resolve) => setImmediate(resolve));
    expect(f.statements).toEqual([['a']]);
    // Asked for after the first statement went out: it must not take that statement's answer.
    const later = [f.read(db, 'a'), f.read(db, 'b'), f.read(db, 'b')];
    await new Promise((resolve) => setImmediate(resolve));
    expect(f.statements).toEqual([['a']]);
    f.release();
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    f.release();
    const rows = await Promise.all(later);
    expect(f.statements).toEqual([['a'], ['a', 'b']]);
    expect(rows.map((r) => r?.key)).toEqual(['a', 'b', 'b']);
  });

  it('reads each key again on its own when a statement of several fails, so only a failing read fails', async () => {
    const f = fake({ failMany: true, failOne: (key) => key === 'bad' });
    const results = await Promise.allSettled(['a', 'bad', 'b'].map((key) => f.read(db, key)));
    expect(f.statements).toEqual([['a', 'bad', 'b'], ['a'], ['bad'], ['b']]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ message: 'cannot read bad' });
  });

  it('sends a read with a statement bound of its own alone', async () => {
    const f = fake();
    const rows = await Promise.all([f.read(db, 'a'), withStatementBound(50, () => f.read(db, 'b')), f.read(db, 'c')]);
    expect(f.statements).toEqual([['b'], ['a', 'c']]);
    expect(rows.map((r) => r?.key)).toEqual(['a', 'b', 'c']);
  });

  it('keeps the reads of each database apart', async () => {
    const f = fake();
    const other = {} as Db;
    await Promise.all([f.read(db, 'a'), f.read(other, 'a'), f.read(db, 'b')]);
    expect(f.statements).toEqual([['a', 'b'], ['a']]);
  });
});
