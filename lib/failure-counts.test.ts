import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { TableFailureStore } from './failure-counts';
import { reserve, type FailureLimit } from './rate-limit';

const LIMIT: FailureLimit = { scope: 'test', limit: 5, windowMs: 60_000 };
const T = Date.parse('2026-06-01T12:00:00Z');

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ seed: false });
});
afterAll(() => database.close());
beforeEach(async () => {
  await database.db.execute('delete from failure_counts');
});

const rows = async () =>
  ((await database.db.execute('select scope, key, count from failure_counts order by scope, key')) as unknown as { rows: Record<string, unknown>[] })
    .rows;

it('counts failures per limit and key in a window that starts at the first failure', async () => {
  const store = new TableFailureStore(async () => database.db);
  const other: FailureLimit = { ...LIMIT, scope: 'other' };
  expect(await store.fail([{ limit: LIMIT, key: 'a' }, { limit: other, key: 'a' }], T)).toEqual([
    { count: 1, resetAt: T + 60_000 },
    { count: 1, resetAt: T + 60_000 },
  ]);
  expect(await store.fail([{ limit: LIMIT, key: 'a' }], T + 10_000)).toEqual([{ count: 2, resetAt: T + 60_000 }]);
  expect(await store.read([{ limit: LIMIT, key: 'a' }, { limit: other, key: 'a' }, { limit: LIMIT, key: 'b' }], T + 20_000)).toEqual([
    { count: 2, resetAt: T + 60_000 },
    { count: 1, resetAt: T + 60_000 },
    null,
  ]);
  // Once the window has ended, nothing is counted until the next failure starts a new one.
  expect(await store.read([{ limit: LIMIT, key: 'a' }], T + 60_000)).toEqual([null]);
  expect(await store.fail([{ limit: LIMIT, key: 'a' }], T + 61_000)).toEqual([{ count: 1, resetAt: T + 121_000 }]);
});

it('counts every one of many failures at once', async () => {
  const store = new TableFailureStore(async () => database.db);
  const keys = [{ limit: LIMIT, key: 'a' }, { limit: { ...LIMIT, scope: 'other' }, key: 'a' }];
  const results = await Promise.all(Array.from({ length: 40 }, (_, i) => store.fail(i % 2 ? keys : [...keys].reverse(), T)));
  expect(results.map((r) => r[0]!.count).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  expect((await store.read(keys, T))[1]).toEqual({ count: 40, resetAt: T + 60_000 });
});

it('takes a failure back from the window it was counted in only, never below none', async () => {
  const store = new TableFailureStore(async () => database.db);
  const other: FailureLimit = { ...LIMIT, scope: 'other' };
  const counted = (windows: { resetAt: number }[], keys: { limit: FailureLimit; key: string }[]) => keys.map((k, i) => ({ ...k, resetAt: windows[i]!.resetAt }));
  const first = await store.fail([{ limit: LIMIT, key: 'a' }, { limit: other, key: 'a' }], T);
  await store.fail([{ limit: LIMIT, key: 'a' }], T);
  await store.release([...counted(first, [{ limit: LIMIT, key: 'a' }, { limit: other, key: 'a' }]), { limit: LIMIT, key: 'b', resetAt: T + 60_000 }]);
  expect(await store.read([{ limit: LIMIT, key: 'a' }, { limit: other, key: 'a' }, { limit: LIMIT, key: 'b' }], T + 1)).toEqual([
    { count: 1, resetAt: T + 60_000 },
    { count: 0, resetAt: T + 60_000 },
    null,
  ]);
  await store.release(counted(first.slice(1), [{ limit: other, key: 'a' }]));
  expect(await store.read([{ limit: other, key: 'a' }], T + 1)).toEqual([{ count: 0, resetAt: T + 60_000 }]);
  // Once the window has ended and another begun, what was counted in the first is not taken from the second.
  expect(await store.fail([{ limit: LIMIT, key: 'a' }], T + 60_000)).toEqual([{ count: 1, resetAt: T + 120_000 }]);
  await store.release(counted(first, [{ limit: LIMIT, key: 'a' }]));
  expect(await store.read([{ limit: LIMIT, key: 'a' }], T + 60_001)).toEqual([{ count: 1, resetAt: T + 120_000 }]);
});

it('takes a reservation back from its own window when it ends before the attempt does', async () => {
  const store = new TableFailureStore(async () => database.db);
  const keys = [{ limit: LIMIT, key: 'a' }];
  await store.fail(keys, T);
  // Counted just before the window ends, found right only once failures have begun the next one.
  const slow = await reserve(store, keys, T + 59_999);
  await store.fail(keys, T + 60_000);
  await store.fail(keys, T + 60_000);
  await slow.release();
  expect(await store.read(keys, T + 60_001)).toEqual([{ count: 2, resetAt: T + 120_000 }]);
});

it('lets at most the limit of attempts made at once go ahead, from any number of instances', async () => {
  // Each instance a store of its own; on PostgreSQL the statements run on connections of their own.
  const stores = Array.from({ length: 4 }, () => new TableFailureStore(async () => database.db));
  const keys = [{ limit: LIMIT, key: 'a' }, { limit: { ...LIMIT, scope: 'other', limit: 8 }, key: 'a' }];
  // In both orders of the keys, and with as many releases as refusals: none waits on another for ever.
  const waits = (await Promise.all(Array.from({ length: 40 }, (_, i) => reserve(stores[i % 4]!, i % 2 ? keys : [...keys].reverse(), T)))).map((r) => r.wait);
  expect(waits.filter((w) => w === 0)).toHaveLength(5);
  expect(waits.filter((w) => w === 60)).toHaveLength(35);
  // The refused ones are not counted.
  expect((await stores[0]!.read(keys, T)).map((w) => w?.count)).toEqual([5, 5]);
});

it('keeps no key in the clear, and removes ended windows', async () => {
  const store = new TableFailureStore(async () => database.db);
  await store.fail([{ limit: LIMIT, key: '198.51.100.7 bob@example.com' }], T);
  const [row] = await rows();
  expect(row?.key).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(JSON.stringify(await rows())).not.toContain('bob');
  // The next failure more than a minute later (a new store: its first write also cleans up) removes the ended window.
  await new TableFailureStore(async () => database.db).fail([{ limit: LIMIT, key: 'c' }], T + 120_000);
  expect((await rows()).map((r) => r.count)).toEqual([1]);
});
