import { eq, inArray, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '@/lib/db/client';
import { accounts, auditEvents, emailMessages, platformTokens } from '@/lib/db/schema';
import { createTestDatabase, testBackend, testPostgresOptions, type TestDatabase } from '@/lib/db/testing';
import { insertTestToken, type TestToken } from '@/lib/testing/tokens';
import { runTokenLifecycle, startTokenLifecycleJob } from './lifecycle-job';

const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;
const T0 = new Date('2026-07-01T08:00:00Z');
const ORIGIN = 'https://tokens.example.com';

describe(`the token lifecycle job (${testBackend})`, () => {
  let database: TestDatabase;
  let other: Database | null = null;

  beforeAll(async () => {
    database = await createTestDatabase();
    // A second instance: its own pool on the same PostgreSQL database. PGlite has one process only.
    if (database.url) other = await openDatabase(testPostgresOptions(database.url, 4));
  });
  afterAll(async () => {
    await other?.close();
    await database.close();
  });

  const remindersFor = async (token: TestToken) =>
    (await database.db.select().from(emailMessages).where(like(emailMessages.body, `%${token.tokenId}%`)))
      .filter((m) => m.subject.includes(' expires within '))
      .map((m) => `${m.to[0]}: ${m.subject.replace(`"${token.name}" `, '')}`)
      .sort();

  it('sends each reminder once, 7 days and 1 day ahead, to owner and creator, with every instance running it as the clock moves', async () => {
    const long = await insertTestToken(database.db, { name: 'Long', createdAt: new Date(T0.getTime() - 30 * DAY), expiresAt: new Date(T0.getTime() + 10 * DAY) });
    const soon = await insertTestToken(database.db, { name: 'Soon', createdAt: new Date(T0.getTime() - 30 * DAY), expiresAt: new Date(T0.getTime() + 3 * DAY) });
    const bot = await insertTestToken(database.db, {
      name: 'Bot',
      owner: 'ci-bot@service.example.com',
      creator: 'alice@example.com',
      createdAt: new Date(T0.getTime() - 30 * DAY),
      expiresAt: new Date(T0.getTime() + 8 * DAY),
    });
    const week = await insertTestToken(database.db, { name: 'Week', createdAt: T0, expiresAt: new Date(T0.getTime() + 7 * DAY) });
    const never = await insertTestToken(database.db, { name: 'Never', createdAt: new Date(T0.getTime() - 30 * DAY), expiresAt: null });
    const off = await insertTestToken(database.db, { name: 'Off', status: 'disabled', createdAt: new Date(T0.getTime() - 30 * DAY), expiresAt: new Date(T0.getTime() + 5 * DAY) });
    // Rotated "Later", and its successor deleted since: it cannot be rotated again, so it is not asked to be.
    const superseded = await insertTestToken(database.db, { name: 'Superseded', createdAt: new Date(T0.getTime() - 30 * DAY), expiresAt: new Date(T0.getTime() + 5 * DAY) });
    await database.db.update(platformTokens).set({ rotatedAt: new Date(T0.getTime() - DAY), rotatedToId: null }).where(eq(platformTokens.id, superseded.id));

    const instances = [database.db, ...(other ? [other.db] : [])];
    // Twelve days in steps of three hours, each step run by every instance at once.
    for (let at = T0.getTime(); at <= T0.getTime() + 12 * DAY; at += 3 * HOUR) {
      await Promise.all(instances.map((db) => runTokenLifecycle(db, new Date(at), ORIGIN)));
    }
    // And again after a restart: the same moment, nothing more.
    await Promise.all(instances.map((db) => runTokenLifecycle(db, new Date(T0.getTime() + 12 * DAY), ORIGIN)));

    expect(await remindersFor(long)).toEqual([
      'alice@example.com: Platform token expires within 1 day',
      'alice@example.com: Platform token expires within 7 days',
    ]);
    // Already within 7 days when the job first ran: that reminder at once, then the 1-day one.
    expect(await remindersFor(soon)).toEqual([
      'alice@example.com: Platform token expires within 1 day',
      'alice@example.com: Platform token expires within 7 days',
    ]);
    expect(await remindersFor(bot)).toEqual([
      'alice@example.com: Platform token expires within 1 day',
      'alice@example.com: Platform token expires within 7 days',
      'ci-bot@service.example.com: Platform token expires within 1 day',
      'ci-bot@service.example.com: Platform token expires within 7 days',
    ]);
    // Made with a 7-day lifetime: only the 1-day reminder.
    expect(await remindersFor(week)).toEqual(['alice@example.com: Platform token expires within 1 day']);
    expect(await remindersFor(never)).toEqual([]);
    expect(await remindersFor(off)).toEqual([]);
    expect(await remindersFor(superseded)).toEqual([]);

    const [mail] = await database.db.select().from(emailMessages).where(like(emailMessages.body, `%${long.tokenId}%`));
    expect(mail?.body).toContain(`${ORIGIN}/platform-tokens/${long.tokenId}`);
    expect(mail?.body).toContain('"Rotate"');
    expect(mail?.body).not.toContain(long.token.slice(38));
  });

  it('disables tokens unused for the account\'s days (never used counts from creation), audited and emailed, once', async () => {
    await database.db.update(accounts).set({ disableUnusedTokensDays: 30 }).where(eq(accounts.id, 'globex'));
    const idle = await insertTestToken(database.db, { accountId: 'globex', name: 'Idle', createdAt: new Date(T0.getTime() - 60 * DAY), lastUsedAt: new Date(T0.getTime() - 31 * DAY) });
    const unused = await insertTestToken(database.db, { accountId: 'globex', name: 'Unused', createdAt: new Date(T0.getTime() - 31 * DAY) });
    const busy = await insertTestToken(database.db, { accountId: 'globex', name: 'Busy', createdAt: new Date(T0.getTime() - 60 * DAY), lastUsedAt: new Date(T0.getTime() - 2 * DAY) });
    const fresh = await insertTestToken(database.db, { accountId: 'globex', name: 'Fresh', createdAt: new Date(T0.getTime() - 5 * DAY) });
    // Acme has no such policy.
    const acme = await insertTestToken(database.db, { name: 'Acme idle', createdAt: new Date(T0.getTime() - 400 * DAY) });
    // Expired long ago: refused already, and left as it is (shown as Expired, nobody told it was disabled).
    const expired = await insertTestToken(database.db, {
      accountId: 'globex',
      name: 'Expired',
      createdAt: new Date(T0.getTime() - 60 * DAY),
      expiresAt: new Date(T0.getTime() - 40 * DAY),
    });

    const instances = [database.db, ...(other ? [other.db] : [])];
    const runs = await Promise.all(instances.map((db) => runTokenLifecycle(db, T0, ORIGIN)));
    expect(runs.reduce((sum, run) => sum + run.disabled, 0)).toBe(2);
    await runTokenLifecycle(database.db, T0, ORIGIN);

    const status = async (token: TestToken) =>
      (await database.db.select({ status: platformTokens.status }).from(platformTokens).where(eq(platformTokens.id, token.id)))[0]?.status;
    expect([await status(idle), await status(unused), await status(busy), await status(fresh), await status(acme), await status(expired)]).toEqual([
      'disabled',
      'disabled',
      'active',
      'active',
      'active',
      'active',
    ]);
    const events = await database.db.select().from(auditEvents).where(inArray(auditEvents.tokenId, [idle.tokenId, unused.tokenId]));
    expect(events.map((e) => [e.action, e.actorEmail, e.targetName]).sort()).toEqual([
      ['token.disabled_unused', 'Token policy', 'Idle'],
      ['token.disabled_unused', 'Token policy', 'Unused'],
    ]);
    const mails = (await database.db.select().from(emailMessages)).filter((m) => m.subject.endsWith('was disabled: unused'));
    expect(mails.map((m) => m.subject).sort()).toEqual([
      'Platform token "Idle" was disabled: unused',
      'Platform token "Unused" was disabled: unused',
    ]);
  });

  it('runs in the process on an interval with an injected clock, and stops', async () => {
    const token = await insertTestToken(database.db, { name: 'Timer', createdAt: new Date(T0.getTime() - 30 * DAY), expiresAt: new Date(T0.getTime() + 40 * DAY) });
    let clock = T0.getTime();
    const stop = startTokenLifecycleJob({ getDb: async () => database.db, intervalMs: 50, origin: () => ORIGIN, now: () => new Date(clock) });
    clock = T0.getTime() + 34 * DAY;
    const deadline = Date.now() + 20_000;
    while ((await remindersFor(token)).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await stop();
    expect(await remindersFor(token)).toEqual(['alice@example.com: Platform token expires within 7 days']);
  });
});
