import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transactWithChanges, type Change } from '@/lib/changes';
import type { Tx } from '@/lib/db';
import { openDatabase, type Database } from '@/lib/db/client';
import { ChangeListener } from '@/lib/db/listener';
import { platformTokens, policies } from '@/lib/db/schema';
import { createTestDatabase, testBackend, testPostgresOptions, type TestDatabase } from '@/lib/db/testing';
import { createTestPlatform, insertTestToken, platformRequest, type TestToken } from './testing';

// Caching and propagation: a change on one instance reaches the others through LISTEN/NOTIFY
// within seconds, and the time-to-live bounds staleness when a notification is lost.

const READ = 'document:documents:read';
const DOCS = '/document/v1/documents';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

async function status(platform: ReturnType<typeof createTestPlatform>, token: TestToken): Promise<number> {
  return (await platform.handle(platformRequest('acme-prod', DOCS, { token: token.token }))).status;
}

/** Milliseconds until `probe` gives `expected`, polling; fails after `limitMs`. */
async function timeUntil(probe: () => Promise<number>, expected: number, limitMs: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    if ((await probe()) === expected) return performance.now() - started;
    if (performance.now() - started > limitMs) throw new Error(`still not ${expected} after ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the time-to-live', () => {
  it('bounds how long a change whose notification was lost goes unnoticed', async () => {
    let clock = 1_000_000;
    const platform = createTestPlatform(database.db, { ttlMs: 60_000, clock: () => clock, subscribe: false });
    const t = await insertTestToken(database.db, { scopes: [READ] });
    expect(await status(platform, t)).toBe(200);
    // Disabled behind the cache's back: no change is published.
    await database.db.update(platformTokens).set({ status: 'disabled' }).where(eq(platformTokens.id, t.id));
    clock += 59_000;
    expect(await status(platform, t)).toBe(200);
    clock += 1_000;
    expect(await status(platform, t)).toBe(401);
  });

  it('does not remember unknown tokens for long', async () => {
    let clock = 1_000_000;
    const platform = createTestPlatform(database.db, { clock: () => clock, subscribe: false });
    const t = await insertTestToken(database.db, { scopes: [READ] });
    await database.db.delete(platformTokens).where(eq(platformTokens.id, t.id));
    expect(await status(platform, t)).toBe(401);
    await database.db.execute(sql`select 1`);
    // Remembered as unknown, apart from the known tokens.
    expect(platform.cache.size).toMatchObject({ tokens: 0, unknown: 1 });
    expect(platform.cache.token(t.publicId)).toBeNull();
    clock += 5_000;
    expect(platform.cache.token(t.publicId)).toBeUndefined();
  });
});

describe('what a change makes an instance read again', () => {
  it('a token change re-reads the token; the owner’s policies stay until their account changes', async () => {
    const platform = createTestPlatform(database.db);
    const t = await insertTestToken(database.db, { scopes: [READ], owner: 'bob@example.com' });
    expect(await status(platform, t)).toBe(200);
    const [policy] = await database.db.select().from(policies).where(eq(policies.name, 'Developer access'));
    // Denied behind the cache's back: only an account change announces a policy change.
    await database.db.update(policies).set({ statements: `${policy!.statements}\nDENY ${READ};` }).where(eq(policies.id, policy!.id));
    try {
      await transactWithChanges(database.db, async (_tx, publish) => publish({ kind: 'token', publicId: t.publicId }));
      expect(platform.cache.token(t.publicId)).toBeUndefined();
      expect(await status(platform, t)).toBe(200);
      await transactWithChanges(database.db, async (_tx, publish) => publish({ kind: 'account', accountId: 'acme' }));
      expect(await status(platform, t)).toBe(403);
    } finally {
      await transactWithChanges(database.db, async (tx, publish) => {
        await tx.update(policies).set({ statements: policy!.statements }).where(eq(policies.id, policy!.id));
        publish({ kind: 'account', accountId: 'acme' });
      });
      platform.unsubscribe();
    }
  });
});

describe.skipIf(testBackend !== 'postgres')('two instances on one PostgreSQL database', () => {
  let other: Database;
  let listener: ChangeListener;
  let first: ReturnType<typeof createTestPlatform>;
  let second: ReturnType<typeof createTestPlatform>;
  const connectionChanges: boolean[] = [];

  beforeAll(async () => {
    // The first instance has its own pool and learns of its own changes after commit; the second
    // has its own pool and cache and learns of the first's changes only through LISTEN.
    other = await openDatabase(testPostgresOptions(database.url!, 4));
    first = createTestPlatform(database.db);
    second = createTestPlatform(other.db, { subscribe: false });
    second.cache.setTrusted(false);
    listener = new ChangeListener({
      connectionString: database.listenUrl!,
      onChanges: (changes) => second.cache.apply(changes),
      onConnectionChange: (connected) => {
        connectionChanges.push(connected);
        second.cache.setTrusted(connected);
      },
      onUnreadable: () => second.cache.clear(),
      minBackoffMs: 50,
      log: () => undefined,
    });
    listener.start();
    await timeUntil(async () => (listener.isConnected ? 1 : 0), 1, 5_000);
  });

  afterAll(async () => {
    first.unsubscribe();
    await listener.stop();
    await other.close();
  });

  async function onFirst(work: (tx: Tx, publish: (change: Change) => void) => Promise<void>) {
    await transactWithChanges(database.db, work);
  }

  it('a token disabled on one is refused by the other within 2 seconds, and works again once enabled', async () => {
    const t = await insertTestToken(database.db, { scopes: [READ] });
    expect(await status(first, t)).toBe(200);
    expect(await status(second, t)).toBe(200);
    expect(second.cache.token(t.publicId)).toBeTruthy();

    await onFirst(async (tx, publish) => {
      await tx.update(platformTokens).set({ status: 'disabled' }).where(eq(platformTokens.id, t.id));
      publish({ kind: 'token', publicId: t.publicId });
    });
    expect(await status(first, t)).toBe(401);
    expect(await timeUntil(() => status(second, t), 401, 2_000)).toBeLessThan(2_000);

    await onFirst(async (tx, publish) => {
      await tx.update(platformTokens).set({ status: 'active' }).where(eq(platformTokens.id, t.id));
      publish({ kind: 'token', publicId: t.publicId });
    });
    expect(await timeUntil(() => status(second, t), 200, 2_000)).toBeLessThan(2_000);

    await onFirst(async (tx, publish) => {
      await tx.delete(platformTokens).where(eq(platformTokens.id, t.id));
      publish({ kind: 'token', publicId: t.publicId });
    });
    expect(await timeUntil(() => status(second, t), 401, 2_000)).toBeLessThan(2_000);
  });

  it('a policy change on one applies on the other within 2 seconds', async () => {
    const t = await insertTestToken(database.db, { scopes: [READ], owner: 'bob@example.com' });
    expect(await status(second, t)).toBe(200);
    const [policy] = await database.db.select().from(policies).where(eq(policies.name, 'Developer access'));
    await onFirst(async (tx, publish) => {
      await tx.update(policies).set({ statements: `${policy!.statements}\nDENY ${READ};` }).where(eq(policies.id, policy!.id));
      publish({ kind: 'account', accountId: 'acme' });
    });
    expect(await timeUntil(() => status(second, t), 403, 2_000)).toBeLessThan(2_000);
    await onFirst(async (tx, publish) => {
      await tx.update(policies).set({ statements: policy!.statements }).where(eq(policies.id, policy!.id));
      publish({ kind: 'account', accountId: 'acme' });
    });
    expect(await timeUntil(() => status(second, t), 200, 2_000)).toBeLessThan(2_000);
  });

  it('a change that is rolled back is not announced', async () => {
    const t = await insertTestToken(database.db, { scopes: [READ] });
    expect(await status(second, t)).toBe(200);
    await expect(
      onFirst(async (tx, publish) => {
        await tx.update(platformTokens).set({ status: 'disabled' }).where(eq(platformTokens.id, t.id));
        publish({ kind: 'token', publicId: t.publicId });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(second.cache.token(t.publicId)).toBeTruthy();
    expect(await status(second, t)).toBe(200);
  });

  it('after its listener reconnects, an instance forgets what it may have missed', async () => {
    const t = await insertTestToken(database.db, { scopes: [READ] });
    expect(await status(second, t)).toBe(200);
    await database.db.execute(
      sql`select pg_terminate_backend(pid) from pg_stat_activity where query ilike 'LISTEN%' and datname = current_database()`,
    );
    // Changed without a notification, as if it had been sent while the listener was away.
    await database.db.update(platformTokens).set({ status: 'disabled' }).where(eq(platformTokens.id, t.id));
    expect(await timeUntil(() => status(second, t), 401, 2_000)).toBeLessThan(2_000);
    await timeUntil(async () => (listener.isConnected ? 1 : 0), 1, 5_000);
    expect(connectionChanges).toEqual([true, false, true]);
    expect(second.cache.isTrusted).toBe(true);
    expect(await status(second, t)).toBe(401);
  });
});
