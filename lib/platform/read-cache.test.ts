import { describe, expect, it } from 'vitest';
import { ReadCache } from './read-cache';

/** A load that resolves when the test says so, to interleave a read with a write. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const size = () => 10;

describe('ReadCache', () => {
  it('loads once and then answers from memory, until the key is invalidated', async () => {
    const cache = new ReadCache();
    let loads = 0;
    const load = async () => `value ${++loads}`;
    expect(await cache.read('k', load, size)).toBe('value 1');
    expect(await cache.read('k', load, size)).toBe('value 1');
    cache.invalidate('k');
    expect(await cache.read('k', load, size)).toBe('value 2');
    expect(loads).toBe(2);
  });

  it('gives a value in memory as it is, not as a promise; a load is a promise', async () => {
    const cache = new ReadCache();
    const first = cache.read('k', async () => 'v', size);
    expect(first).toBeInstanceOf(Promise);
    await first;
    expect(cache.read('k', async () => 'other', size)).toBe('v');
  });

  it('remembers that a value is missing (null) like any other value', async () => {
    const cache = new ReadCache();
    let loads = 0;
    const load = async () => (loads++, null);
    expect(await cache.read('k', load, size)).toBeNull();
    expect(await cache.read('k', load, size)).toBeNull();
    expect(loads).toBe(1);
  });

  it('does not keep a value read while a write was made: the write may have come after the read', async () => {
    const cache = new ReadCache();
    const slow = deferred<string>();
    const reading = cache.read('k', () => slow.promise, size);
    // The write commits and invalidates while the read is still on its way with the old value.
    cache.invalidate('k');
    slow.resolve('old');
    expect(await reading).toBe('old');
    expect(await cache.read('k', async () => 'new', size)).toBe('new');
  });

  it('a write under a prefix drops every key under it, and only those', async () => {
    const cache = new ReadCache();
    await cache.read('app\u0000a\u0000x', async () => 1, size);
    await cache.read('app\u0000a\u0000y', async () => 2, size);
    await cache.read('app\u0000ab\u0000x', async () => 3, size);
    cache.invalidatePrefix('app\u0000a\u0000');
    expect(cache.size.entries).toBe(1);
    expect(await cache.read('app\u0000ab\u0000x', async () => -1, size)).toBe(3);
    expect(await cache.read('app\u0000a\u0000x', async () => 4, size)).toBe(4);
  });

  it('keeps within its entry and byte bounds, dropping the oldest first', async () => {
    const cache = new ReadCache({ maxEntries: 3, maxBytes: 100 });
    for (const key of ['a', 'b', 'c', 'd']) await cache.read(key, async () => key, size);
    expect(cache.size).toEqual({ entries: 3, bytes: 30 });
    expect(await cache.read('a', async () => 'reloaded', size)).toBe('reloaded');
    await cache.read('big', async () => 'big', () => 90);
    expect(cache.size.bytes).toBeLessThanOrEqual(100);
    expect(await cache.read('big', async () => 'again', () => 90)).toBe('big');
    // Larger than the whole cache: served, never kept.
    await cache.read('huge', async () => 'huge', () => 101);
    expect(await cache.read('huge', async () => 'reloaded', () => 101)).toBe('reloaded');
    expect(cache.size.bytes).toBeLessThanOrEqual(100);
  });
});
