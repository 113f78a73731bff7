import { isIP } from 'node:net';
import { sql } from 'drizzle-orm';
import type { Db } from '@/lib/db';

// "Last used" (time and client IP) without a write per request: a token's use is written at most
// once a minute per instance, batched into one UPDATE, and the UPDATE itself skips rows whose
// stored time is less than a minute old, so several instances do not write more often either.

const INTERVAL_MS = 60_000;
const MAX_REMEMBERED = 100_000;

interface Use {
  at: Date;
  ip: string | null;
}

export interface LastUsedRecorderOptions {
  getDb: () => Promise<Db>;
  /** How long uses are gathered before they are written; null: only when flush() is called. */
  flushDelayMs?: number | null;
  onError?: (error: unknown) => void;
}

export class LastUsedRecorder {
  /** When this instance last decided to write each token's use (ms since epoch). */
  private readonly written = new Map<string, number>();
  private pending = new Map<string, Use>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(private readonly options: LastUsedRecorderOptions) {}

  /** Notes a use of the token; `storedAt` is its last-used time as last read from the database. */
  record(tokenId: string, storedAt: Date | null, at: Date, ip: string | null): void {
    const previous = this.written.get(tokenId) ?? storedAt?.getTime() ?? 0;
    if (at.getTime() - previous < INTERVAL_MS) return;
    if (this.written.size >= MAX_REMEMBERED) this.forgetOld(at.getTime());
    this.written.set(tokenId, at.getTime());
    this.pending.set(tokenId, { at, ip: ip && isIP(ip) ? ip : null });
    const delay = this.options.flushDelayMs === undefined ? 250 : this.options.flushDelayMs;
    if (delay === null || this.timer) return;
    this.timer = setTimeout(() => void this.flush(), delay);
    this.timer.unref?.();
  }

  /** Writes the uses gathered so far; resolves when they (and any earlier batch) are written. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = new Map();
    if (batch.size > 0) {
      this.inFlight = this.inFlight.then(() => this.write(batch));
    }
    return this.inFlight;
  }

  private async write(batch: Map<string, Use>): Promise<void> {
    try {
      const rows = [...batch].map(
        ([id, use]) => sql`(${id}::uuid, ${use.at.toISOString()}::timestamptz, ${use.ip}::inet)`,
      );
      const db = await this.options.getDb();
      await db.execute(sql`
        update platform_tokens as t
        set last_used_at = v.at, last_used_ip = v.ip
        from (values ${sql.join(rows, sql`, `)}) as v(id, at, ip)
        where t.id = v.id
          and (t.last_used_at is null or t.last_used_at <= v.at - interval '1 minute')`);
    } catch (error) {
      (this.options.onError ?? ((e: unknown) => console.error('[platform] recording last use failed:', e instanceof Error ? e.message : e)))(error);
    }
  }

  private forgetOld(now: number): void {
    for (const [id, at] of this.written) if (now - at >= INTERVAL_MS) this.written.delete(id);
    if (this.written.size >= MAX_REMEMBERED) this.written.clear();
  }
}
