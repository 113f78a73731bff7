/**
 * Counts failures per key in a fixed window and blocks the key once it has too many. Used for
 * failed sign-ins and failed bearer verifications, so that valid traffic is never slowed: only
 * failures are counted. State is per process; each instance limits on its own.
 */
export class FailureLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly options: { limit: number; windowMs: number; maxKeys?: number },
  ) {}

  /** Seconds until the key may try again, or 0 when it is not blocked. */
  retryAfter(key: string, now = Date.now()): number {
    const entry = this.windows.get(key);
    if (!entry || entry.resetAt <= now) return 0;
    return entry.count >= this.options.limit ? Math.ceil((entry.resetAt - now) / 1000) : 0;
  }

  /** Counts one failure; returns the seconds the key is now blocked for (0 if not blocked). */
  fail(key: string, now = Date.now()): number {
    let entry = this.windows.get(key);
    if (!entry || entry.resetAt <= now) {
      this.evictIfFull(now);
      entry = { count: 0, resetAt: now + this.options.windowMs };
      this.windows.set(key, entry);
    }
    entry.count += 1;
    return this.retryAfter(key, now);
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  private evictIfFull(now: number): void {
    if (this.windows.size < (this.options.maxKeys ?? 100_000)) return;
    for (const [key, entry] of this.windows) if (entry.resetAt <= now) this.windows.delete(key);
    // Still full of live entries: drop the oldest rather than grow without bound.
    while (this.windows.size >= (this.options.maxKeys ?? 100_000)) {
      const oldest = this.windows.keys().next().value;
      if (oldest === undefined) break;
      this.windows.delete(oldest);
    }
  }
}
