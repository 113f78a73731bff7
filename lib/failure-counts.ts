import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { config } from '@/lib/config';
import { getDb, type Db } from '@/lib/db';
import { failureCounts } from '@/lib/db/schema';
import { MemoryFailureStore, type CountedKey, type FailureStore, type FailureWindow, type LimitedKey } from '@/lib/rate-limit';
import { processSingleton } from '@/lib/singleton';

// The failure counts of the limits in a table every instance shares (failure_counts), so that a
// limit holds for the cluster. Only failures write: one upsert per failure, with every key of
// the failure in one statement; checking a key is a read by primary key. A count reserved for an
// attempt that then did not fail (lib/rate-limit.ts, `reserve`) is taken back by one update.

const CLEANUP_EVERY_MS = 60_000;
const CLEANUP_BATCH = 1_000;

/** No address or email is stored: the key is its SHA-256. */
const hashed = (key: string) => createHash('sha256').update(key).digest('base64url');
const at = (ms: number) => sql`${new Date(ms).toISOString()}::timestamptz`;

interface WindowRow {
  scope: string;
  key: string;
  count: number;
  reset_at: number;
}

function rowsOf(result: unknown): WindowRow[] {
  return (result as { rows: WindowRow[] }).rows.map((r) => ({ ...r, count: Number(r.count), reset_at: Number(r.reset_at) }));
}

/** Rows in one order, so that two statements on the same keys lock them in the same order. */
function lockOrder<T extends { scope: string; key: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => (`${a.scope}\u0000${a.key}` < `${b.scope}\u0000${b.key}` ? -1 : 1));
}

export class TableFailureStore implements FailureStore {
  private lastCleanup = 0;

  constructor(private readonly getDb: () => Promise<Db>) {}

  async fail(keys: readonly LimitedKey[], now: number): Promise<FailureWindow[]> {
    if (keys.length === 0) return [];
    const items = keys.map(({ limit, key }) => ({ scope: limit.scope, key: hashed(key), windowMs: limit.windowMs }));
    const ordered = lockOrder(items);
    const db = await this.getDb();
    const result = await db.execute(sql`
      insert into ${failureCounts} as c (scope, key, count, window_ends_at)
      values ${sql.join(
        ordered.map((i) => sql`(${i.scope}, ${i.key}, 1, ${at(now + i.windowMs)})`),
        sql`, `,
      )}
      on conflict (scope, key) do update set
        count = case when c.window_ends_at <= ${at(now)} then 1 else c.count + 1 end,
        window_ends_at = case when c.window_ends_at <= ${at(now)} then excluded.window_ends_at else c.window_ends_at end
      returning c.scope, c.key, c.count, (extract(epoch from c.window_ends_at) * 1000)::float8 as reset_at`);
    const byKey = new Map(rowsOf(result).map((r) => [`${r.scope}\u0000${r.key}`, r]));
    if (now - this.lastCleanup >= CLEANUP_EVERY_MS) {
      this.lastCleanup = now;
      await this.removeEnded(db, now);
    }
    return items.map((i) => {
      const row = byKey.get(`${i.scope}\u0000${i.key}`)!;
      return { count: row.count, resetAt: row.reset_at };
    });
  }

  async read(keys: readonly LimitedKey[], now: number): Promise<(FailureWindow | null)[]> {
    if (keys.length === 0) return [];
    const items = keys.map(({ limit, key }) => ({ scope: limit.scope, key: hashed(key) }));
    const db = await this.getDb();
    const result = await db.execute(sql`
      select scope, key, count, (extract(epoch from window_ends_at) * 1000)::float8 as reset_at
      from ${failureCounts}
      where (scope, key) in (${sql.join(
        items.map((i) => sql`(${i.scope}, ${i.key})`),
        sql`, `,
      )}) and window_ends_at > ${at(now)}`);
    const byKey = new Map(rowsOf(result).map((r) => [`${r.scope}\u0000${r.key}`, r]));
    return items.map((i) => {
      const row = byKey.get(`${i.scope}\u0000${i.key}`);
      return row ? { count: row.count, resetAt: row.reset_at } : null;
    });
  }

  async release(keys: readonly CountedKey[]): Promise<void> {
    if (keys.length === 0) return;
    const ordered = lockOrder(keys.map(({ limit, key, resetAt }) => ({ scope: limit.scope, key: hashed(key), resetAt })));
    const db = await this.getDb();
    // The rows are locked in the order failures lock them, so a release and a failure of the
    // same keys at once wait for each other rather than deadlock. A row is changed only while it
    // holds the window the key was counted in: its end is read back as `fail` returned it.
    await db.execute(sql`
      with wanted (scope, key, reset_at, n) as (values ${sql.join(
        ordered.map((i, n) => sql`(${i.scope}, ${i.key}, ${i.resetAt}::float8, ${n}::int)`),
        sql`, `,
      )}),
      locked as (
        select c.scope, c.key from ${failureCounts} c join wanted w on w.scope = c.scope and w.key = c.key
        where (extract(epoch from c.window_ends_at) * 1000)::float8 = w.reset_at and c.count > 0
        order by w.n
        for update of c)
      update ${failureCounts} c set count = c.count - 1
      from locked l where c.scope = l.scope and c.key = l.key`);
  }

  /** Windows that have ended, a batch at a time; rows another instance is updating are left for later. */
  private async removeEnded(db: Db, now: number): Promise<void> {
    try {
      await db.execute(sql`
        delete from ${failureCounts} where ctid in (
          select ctid from ${failureCounts} where window_ends_at <= ${at(now)}
          limit ${CLEANUP_BATCH} for update skip locked)`);
    } catch (error) {
      console.error(`[limits] removing ended windows failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/**
 * The store of this process's limits: the shared table on PostgreSQL; memory with the embedded
 * database, whose process is the only instance.
 */
export function failureStore(): FailureStore {
  return processSingleton('failure-store', () =>
    config().databaseKind === 'postgres' ? new TableFailureStore(getDb) : new MemoryFailureStore(),
  );
}
