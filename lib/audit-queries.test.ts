import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '@/lib/audit';
import type { Actor } from '@/lib/auth/users';
import { auditEvents } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { NotFoundError } from '@/lib/errors';
import { actorByEmail } from '@/lib/testing/demo';
import { insertTestTokens, type TestToken } from '@/lib/testing/tokens';
import { bulkTokenAction } from '@/lib/tokens/bulk';
import { parseActivityParams, type ActivityQuery } from '@/lib/validations/activity';
import { listActivity, listTokenActivity } from './audit-queries';

const query = (params: Record<string, string> = {}): ActivityQuery => parseActivityParams(params);

describe(`Activity on ${testBackend}`, () => {
  let database: TestDatabase;
  let admin: Actor;
  let alice: Actor;
  let tokens: TestToken[];

  beforeAll(async () => {
    database = await createTestDatabase();
    admin = await actorByEmail(database.db, 'admin@example.com');
    alice = await actorByEmail(database.db, 'alice@example.com');
    tokens = await insertTestTokens(
      database.db,
      Array.from({ length: 12 }, (_, i) => ({ name: `activity ${i}`, owner: 'bob@example.com', createdAt: new Date(Date.now() - i * 1000) })),
    );
    await recordAudit(database.db, alice, { accountId: 'acme', action: 'token.generated', tokenId: tokens[0]!.tokenId, targetName: 'activity 0' });
    await recordAudit(database.db, alice, { accountId: 'globex', action: 'token.generated', targetName: 'elsewhere' });
    await bulkTokenAction(database.db, admin, 'acme', 'disable', { kind: 'ids', tokenIds: tokens.map((t) => t.tokenId) }, new Date());
    // An event that (wrongly) carries a whole token is shown with its token ID only.
    await recordAudit(database.db, admin, {
      accountId: 'acme',
      action: 'token.deleted',
      targetName: `leaked ${tokens[1]!.token}`,
      details: { note: `pasted ${tokens[1]!.token}` },
    });
  });
  afterAll(() => database.close());

  it('lists the account’s events, newest first, and only its own', async () => {
    const page = await listActivity(database.db, admin, 'acme', query());
    expect(page.events.map((e) => e.action)).toEqual(['token.deleted', 'tokens.bulk_disabled', 'token.generated']);
    expect(page.events.every((e) => e.targetName !== 'elsewhere')).toBe(true);
  });

  it('shows a bulk event with its first token IDs and how many it changed', async () => {
    const [bulk] = (await listActivity(database.db, admin, 'acme', query({ action: 'tokens.bulk_disabled' }))).events;
    expect(bulk).toMatchObject({ actorEmail: 'admin@example.com', tokenCount: 12, details: { count: 12 } });
    expect(bulk?.tokenIds).toHaveLength(10);
    expect(bulk?.details).not.toHaveProperty('tokenIds');
  });

  it('filters by token, finding it in bulk events too', async () => {
    const byWhole = await listActivity(database.db, admin, 'acme', query({ token: tokens[0]!.tokenId }));
    expect(byWhole.events.map((e) => e.action)).toEqual(['tokens.bulk_disabled', 'token.generated']);
    const byLast = await listActivity(database.db, admin, 'acme', query({ token: tokens[11]!.publicId.toLowerCase() }));
    expect(byLast.events.map((e) => e.action)).toEqual(['tokens.bulk_disabled']);
    const byPart = await listActivity(database.db, admin, 'acme', query({ token: tokens[0]!.publicId.slice(2, 10) }));
    expect(byPart.events.map((e) => e.action)).toEqual(['token.generated']);
  });

  it('filters by actor, action and days, and pages', async () => {
    expect((await listActivity(database.db, admin, 'acme', query({ actor: 'ALICE' }))).events.map((e) => e.action)).toEqual(['token.generated']);
    expect((await listActivity(database.db, admin, 'acme', query({ action: 'token.deleted' }))).events).toHaveLength(1);
    const today = new Date().toISOString().slice(0, 10);
    expect((await listActivity(database.db, admin, 'acme', query({ from: today, to: today }))).events).toHaveLength(3);
    expect((await listActivity(database.db, admin, 'acme', query({ to: '2000-01-01' }))).events).toHaveLength(0);
    await database.db.update(auditEvents).set({ createdAt: new Date('2020-05-05T12:00:00Z') }).where(eq(auditEvents.action, 'token.generated'));
    expect((await listActivity(database.db, admin, 'acme', query({ from: '2020-05-05', to: '2020-05-05' }))).events.map((e) => e.action)).toEqual([
      'token.generated',
    ]);
    const first = await listActivity(database.db, admin, 'acme', { ...query(), size: 25, page: 1 });
    expect(first.hasNextPage).toBe(false);
  });

  it('never shows a secret', async () => {
    const page = await listActivity(database.db, admin, 'acme', query());
    const text = JSON.stringify(page);
    for (const t of tokens) expect(text).not.toContain(t.token.slice(31));
    expect(page.events[0]?.targetName).toBe(`leaked ${tokens[1]!.tokenId}`);
  });

  it('ignores malformed filters in the URL', () => {
    expect(
      parseActivityParams({ action: 'drop table', from: '2020-02-30', to: 'yesterday', page: '-1', size: '7', tz: 'Mars/Olympus' }),
    ).toEqual({
      actor: '',
      token: '',
      action: '',
      from: '',
      to: '',
      tz: 'UTC',
      page: 1,
      size: 25,
    });
  });

  it('reads "From" and "To" as days of the reader’s time zone, the one the times are shown in', async () => {
    // 23:30 UTC on 5 May is already 6 May in Berlin.
    await database.db.update(auditEvents).set({ createdAt: new Date('2020-05-05T23:30:00Z') }).where(eq(auditEvents.action, 'token.deleted'));
    const on = (day: string, tz?: string) =>
      listActivity(database.db, admin, 'acme', query({ from: day, to: day, action: 'token.deleted', ...(tz ? { tz } : {}) }));
    expect((await on('2020-05-06', 'Europe/Berlin')).events).toHaveLength(1);
    expect((await on('2020-05-05', 'Europe/Berlin')).events).toHaveLength(0);
    expect((await on('2020-05-05')).events).toHaveLength(1);
    expect((await on('2020-05-06')).events).toHaveLength(0);
  });

  it('lists a token’s own activity, bulk events that name it included, and no other token’s', async () => {
    const events = await listTokenActivity(database.db, 'acme', tokens[0]!.tokenId, 50);
    expect(events.map((e) => e.action)).toEqual(['tokens.bulk_disabled', 'token.generated']);
    expect((await listTokenActivity(database.db, 'globex', tokens[0]!.tokenId, 50)).length).toBe(0);
    expect((await listTokenActivity(database.db, 'acme', tokens[0]!.tokenId, 1)).length).toBe(1);
  });

  it('is for the account’s admins only', async () => {
    for (const email of ['alice@example.com', 'bob@example.com']) {
      const member = await actorByEmail(database.db, email);
      await expect(listActivity(database.db, member, 'acme', query())).rejects.toBeInstanceOf(NotFoundError);
    }
  });
});
