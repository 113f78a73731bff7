// Service data read from memory, for a process that is its database's only client (the embedded
// database): every change goes through this process, so a value read once stays right until this
// process changes it. Writers invalidate after their change commits; a read that raced with a
// write is not kept (the generation moved on while it was reading). With PostgreSQL other
// instances write too, and reads go to the database (no cache is created).
//
// Cached values are shared between requests: callers must treat them as read-only.

import type { MaybePromise } from './maybe-promise';

export interface ReadCacheOptions {
  /** Most entries kept; the oldest go first. */
  maxEntries?: number;
  /** Most bytes kept, as measured by the caller's `size`. */
  maxBytes?: number;
}

interface Entry {
  value: unknown;
  bytes: number;
}

export class ReadCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private generation = 0;
  private readonly maxEntries: number;
  private readonly maxBytes: number;

  constructor(options: ReadCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  }

  /**
   * The value under `key`: from memory, or loaded and kept unless a change was made meanwhile or
   * it is larger than the whole cache. `size` estimates a loaded value's bytes. A value in memory
   * is returned as it is, not as a promise.
   */
  read<T>(key: string, load: () => Promise<T>, size: (value: T) => number): MaybePromise<T> {
    const hit = this.entries.get(key);
    return hit ? (hit.value as T) : this.load(key, load, size);
  }

  private async load<T>(key: string, load: () => Promise<T>, size: (value: T) => number): Promise<T> {
    const generation = this.generation;
    const value = await load();
    if (generation === this.generation) this.store(key, value, size(value));
    return value;
  }

  /** After a change to `key` committed. */
  invalidate(key: string): void {
    this.generation++;
    this.remove(key);
  }

  /** After a change to every key starting with `prefix` committed. */
  invalidatePrefix(prefix: string): void {
    this.generation++;
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.remove(key);
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  private store(key: string, value: unknown, bytes: number): void {
    if (bytes > this.maxBytes) return;
    this.remove(key);
    while (this.entries.size >= this.maxEntries || this.bytes + bytes > this.maxBytes) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.remove(oldest);
    }
    this.entries.set(key, { value, bytes });
    this.bytes += bytes;
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}
