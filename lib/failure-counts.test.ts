import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { TableFailureStore } from './failure-counts';
import type { FailureLimit } from './rate-limit';

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
