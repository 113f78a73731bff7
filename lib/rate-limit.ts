/**
 * Limits on failures (failed sign-ins, failed bearer verifications), so that valid traffic is
 * never slowed: only failures are counted. A key may fail `limit` times in a window that starts
 * at its first failure; then it is blocked until the window ends. Where the counts are kept is
 * a `FailureStore`: this process's memory, or a table every instance shares
 * (lib/failure-counts.ts), so that a limit holds for the cluster, not once per instance.
 *
 * An attempt whose failure is slow to tell (a password hash) is counted before it is made, see
 * `reserve`: attempts made at once would otherwise all read the counts before any is written.
 * Its count is taken back only from the window it was counted in, never from a later one.
 */
export interface FailureLimit {
  /** Names the limit where the counts of several limits are kept together. */
  scope: string;
  limit: number;
  windowMs: number;
}

/** A key's failures in its current window, and when that window ends (epoch ms). */
export interface FailureWindow {
  count: number;
  resetAt: number;
}

export interface LimitedKey {
  limit: FailureLimit;
  key: string;
}

/** A key counted in the window that ends at `resetAt`. */
export interface CountedKey extends LimitedKey {
  resetAt: number;
}

export interface FailureStore {
  /** Counts one failure of each key; returns each key's window with it counted, in the same order. */
  fail(keys: readonly LimitedKey[], now: number): Promise<FailureWindow[]>;
  /** Each key's current window, in the same order; null when it has none. */
  read(keys: readonly LimitedKey[], now: number): Promise<(FailureWindow | null)[]>;
  /**
   * Takes back one failure of each key (counted for an attempt that did not fail) from the window
   * it was counted in; a key whose window has ended since, and maybe begun again, is left as it is.
   */
  release(keys: readonly CountedKey[]): Promise<void>;
}

/** Seconds until the key may try again under this limit, or 0 when it is not blocked. */
export function blockedFor(limit: FailureLimit, window: FailureWindow | null, now: number): number {
  if (!window || window.resetAt <= now || window.count < limit.limit) return 0;
  return Math.ceil((window.resetAt - now) / 1000);
}

/** Seconds until the key may try again when this window already counts the attempt at hand and is over the limit, else 0. */
export function overLimitFor(limit: FailureLimit, window: FailureWindow | null, now: number): number {
  // Blocked when the attempts before this one alone reach the limit.
  const wait = window ? blockedFor(limit, { ...window, count: window.count - 1 }, now) : 0;
  // An attempt that read the clock just before the one that opened the window sees it end a little later.
  return Math.min(wait, Math.ceil(limit.windowMs / 1000));
}

/** An attempt counted before it is made (`reserve`). */
export interface Reservation {
  /** Seconds to wait when a key is over its limit: the attempt is refused and its count is already taken back. Else 0. */
  wait: number;
  /** Takes the count back, for an attempt that went ahead and did not fail; only from the windows it was counted in. */
  release(): Promise<void>;
}

/**
 * Counts an attempt as a failure of each key before it is made (count first, check second), so
 * that however many are made at once, at most `limit` of them go ahead per key. An attempt over a
 * key's limit is refused (`wait`) and its count taken back, so that an attempt turned away is not
 * counted. One that goes ahead and succeeds takes its count back too (`release`); one that fails
 * keeps it.
 */
export async function reserve(store: FailureStore, keys: readonly LimitedKey[], now: number): Promise<Reservation> {
  const windows = await store.fail(keys, now);
  const counted = keys.map((key, i) => ({ ...key, resetAt: windows[i]!.resetAt }));
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    await store.release(counted);
  };
  const wait = Math.max(0, ...keys.map(({ limit }, i) => overLimitFor(limit, windows[i] ?? null, now)));
  if (wait > 0) await release();
  return { wait, release };
}

/** A map whose entries end at a time, bounded in size: full of live entries, it drops the oldest. */
export class ExpiringMap<V extends { resetAt: number }> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly maxKeys = 100_000) {}

  get(key: string, now: number): V | undefined {
    const entry = this.entries.get(key);
    return entry && entry.resetAt > now ? entry : undefined;
  }

  /** The entry, also one whose time has come and that is not yet dropped. */
  peek(key: string): V | undefined {
    return this.entries.get(key);
  }

  /** Replaces an entry that is there; nothing when it is not. */
  replace(key: string, value: V): void {
    if (this.entries.has(key)) this.entries.set(key, value);
  }

  set(key: string, value: V, now: number): void {
    if (!this.entries.has(key)) this.evictIfFull(now);
    this.entries.set(key, value);
  }

  private evictIfFull(now: number): void {
    if (this.entries.size < this.maxKeys) return;
    for (const [key, entry] of this.entries) if (entry.resetAt <= now) this.entries.delete(key);
    while (this.entries.size >= this.maxKeys) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}

/** Counts in this process's memory: for the embedded database, whose process is the only instance. */
export class MemoryFailureStore implements FailureStore {
  private readonly windows: ExpiringMap<FailureWindow>;

  constructor(options: { maxKeys?: number } = {}) {
    this.windows = new ExpiringMap(options.maxKeys);
  }

  async fail(keys: readonly LimitedKey[], now: number): Promise<FailureWindow[]> {
    return keys.map(({ limit, key }) => {
      const id = `${limit.scope}\u0000${key}`;
      const current = this.windows.get(id, now);
      const next = current ? { count: current.count + 1, resetAt: current.resetAt } : { count: 1, resetAt: now + limit.windowMs };
      this.windows.set(id, next, now);
      return { ...next };
    });
  }

  async read(keys: readonly LimitedKey[], now: number): Promise<(FailureWindow | null)[]> {
    return keys.map(({ limit, key }) => {
      const current = this.windows.get(`${limit.scope}\u0000${key}`, now);
      return current ? { ...current } : null;
    });
  }

  async release(keys: readonly CountedKey[]): Promise<void> {
    for (const { limit, key, resetAt } of keys) {
      const id = `${limit.scope}\u0000${key}`;
      const current = this.windows.peek(id);
      if (current && current.resetAt === resetAt && current.count > 0) this.windows.replace(id, { count: current.count - 1, resetAt });
    }
  }
}
