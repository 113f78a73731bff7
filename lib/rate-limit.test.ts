import { describe, expect, it } from 'vitest';
import { blockedFor, MemoryFailureStore, type FailureLimit } from './rate-limit';

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
});
