import { describe, expect, it } from 'vitest';
import { blockedFor, MemoryFailureStore, overLimitFor, reserve, type FailureLimit } from './rate-limit';

const LIMIT: FailureLimit = { scope: 'test', limit: 3, windowMs: 60_000 };

describe('MemoryFailureStore', () => {
  it('blocks a key after the limit of failures until the window ends', async () => {
    const store = new MemoryFailureStore();
    const t = 1_000_000;
    const fail = async (key: string, now: number) => blockedFor(LIMIT, (await store.fail([{ limit: LIMIT, key }], now))[0]!, now);
    const retryAfter = async (key: string, now: number) => blockedFor(LIMIT, (await store.read([{ limit: LIMIT, key }], now))[0]!, now);
    expect(await fail('a', t)).toBe(0);
    expect(await fail('a', t + 1)).toBe(0);
    expect(await retryAfter('a', t + 2)).toBe(0);
    expect(await fail('a', t + 2)).toBe(60);
    expect(await retryAfter('a', t + 30_000)).toBe(30);
    expect(await retryAfter('b', t + 30_000)).toBe(0);
    expect(await retryAfter('a', t + 60_001)).toBe(0);
    // A new window starts with the next failure.
    expect(await store.fail([{ limit: LIMIT, key: 'a' }], t + 60_001)).toEqual([{ count: 1, resetAt: t + 120_001 }]);
  });

  it('counts each limit on its own, even for the same key', async () => {
    const store = new MemoryFailureStore();
    const other: FailureLimit = { ...LIMIT, scope: 'other' };
    await store.fail([{ limit: LIMIT, key: 'a' }, { limit: other, key: 'a' }], 0);
    await store.fail([{ limit: LIMIT, key: 'a' }], 0);
    expect((await store.read([{ limit: LIMIT, key: 'a' }, { limit: other, key: 'a' }], 1)).map((w) => w?.count)).toEqual([2, 1]);
  });

  it('stays bounded in memory', async () => {
    const store = new MemoryFailureStore({ maxKeys: 10 });
    const one: FailureLimit = { ...LIMIT, limit: 1 };
    for (let i = 0; i < 100; i++) await store.fail([{ limit: one, key: `k${i}` }], 0);
    expect(blockedFor(one, (await store.read([{ limit: one, key: 'k99' }], 1))[0]!, 1)).toBe(60);
    expect(blockedFor(one, (await store.read([{ limit: one, key: 'k0' }], 1))[0]!, 1)).toBe(0);
  });

  it('takes a failure back from the window it was counted in, never below none', async () => {
    const store = new MemoryFailureStore();
    const a = { limit: LIMIT, key: 'a' };
    const [window] = await store.fail([a], 0);
    await store.fail([a], 0);
    const counted = [{ ...a, resetAt: window!.resetAt }];
    await store.release(counted);
    expect(await store.read([a], 1)).toEqual([{ count: 1, resetAt: 60_000 }]);
    await store.release(counted);
    await store.release(counted);
    expect(await store.read([a], 1)).toEqual([{ count: 0, resetAt: 60_000 }]);
    // A window that has ended and begun again keeps its count; a key without one gets none.
    const b = { limit: LIMIT, key: 'b' };
    await store.fail([b], 0);
    await store.fail([b], 60_000);
    await store.release([
      { ...b, resetAt: 60_000 },
      { limit: LIMIT, key: 'c', resetAt: 60_000 },
    ]);
    expect(await store.read([b, { limit: LIMIT, key: 'c' }], 60_001)).toEqual([{ count: 1, resetAt: 120_000 }, null]);
  });
});

describe('reserve', () => {
  it('lets at most the limit go ahead of attempts made at once, and does not count the ones it refuses', async () => {
    const store = new MemoryFailureStore();
    const other: FailureLimit = { ...LIMIT, scope: 'other', limit: 10 };
    const keys = [{ limit: LIMIT, key: 'a' }, { limit: other, key: 'a' }];
    const reservations = await Promise.all(Array.from({ length: 40 }, () => reserve(store, keys, 0)));
    const waits = reservations.map((r) => r.wait);
    expect(waits.filter((w) => w === 0)).toHaveLength(3);
    expect(waits.filter((w) => w === 60)).toHaveLength(37);
    // Only the three that went ahead are counted, on either limit.
    expect((await store.read(keys, 0)).map((w) => w?.count)).toEqual([3, 3]);
    // One that went ahead and succeeded gives its count back, once however often it is asked to: the next may go ahead.
    const ahead = reservations.find((r) => r.wait === 0)!;
    await ahead.release();
    await ahead.release();
    expect((await store.read(keys, 0)).map((w) => w?.count)).toEqual([2, 2]);
    expect((await reserve(store, keys, 0)).wait).toBe(0);
    expect((await reserve(store, keys, 30_000)).wait).toBe(30);
  });

  it('takes a count back only from the window it was counted in', async () => {
    const store = new MemoryFailureStore();
    const keys = [{ limit: LIMIT, key: 'a' }];
    await store.fail(keys, 0);
    // An attempt counted just before the window ends, and found right only after the next one has begun.
    const slow = await reserve(store, keys, 59_999);
    await store.fail(keys, 60_000);
    await store.fail(keys, 60_000);
    await slow.release();
    // The failures of the new window are all still counted: none was taken back for the old one.
    expect(await store.read(keys, 60_001)).toEqual([{ count: 2, resetAt: 120_000 }]);
  });

  it('refuses only once the attempt at hand is over the limit', () => {
    expect(overLimitFor(LIMIT, { count: 3, resetAt: 60_000 }, 0)).toBe(0);
    expect(overLimitFor(LIMIT, { count: 4, resetAt: 60_000 }, 0)).toBe(60);
    expect(overLimitFor(LIMIT, { count: 4, resetAt: 60_000 }, 60_000)).toBe(0);
    expect(overLimitFor(LIMIT, null, 0)).toBe(0);
    // Never longer than a window, whichever attempt opened it first.
    expect(overLimitFor(LIMIT, { count: 4, resetAt: 60_005 }, 0)).toBe(60);
  });
});
