import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { accountMembers, sessions, users } from '@/lib/db/schema';
import { demoIdentities, type DemoIdentities } from '@/lib/testing/demo';
import { createSession, loadSessionActor, revokeSession, revokeUserSessions } from './sessions';
import { SESSION_MAX_AGE_SECONDS } from './session-lifetime';

describe(`sessions (${testBackend})`, () => {
  let database: TestDatabase;
  let demo: DemoIdentities;
  beforeAll(async () => {
    database = await createTestDatabase();
    demo = await demoIdentities(database.db);
  });
  afterAll(() => database.close());

  const start = (email: string) => createSession(database.db, { userId: demo.id(email), userAgent: 'Test browser', ip: '203.0.113.9' });
  const row = async (id: string) => (await database.db.select().from(sessions).where(eq(sessions.id, id)))[0];

  it('loads the user and their live memberships for a session, until it is revoked', async () => {
    const id = await start('alice@example.com');
    const actor = await loadSessionActor(database.db, id);
    expect(actor).toMatchObject({ userId: demo.id('alice@example.com'), email: 'alice@example.com' });
    expect(actor!.memberships.map((m) => `${m.accountId}:${m.role}`)).toEqual(['acme:member', 'globex:member']);
    const stored = await row(id);
    expect(stored).toMatchObject({ userAgent: 'Test browser', ip: '203.0.113.9' });
    const lifetime = (stored!.expiresAt.getTime() - stored!.createdAt.getTime()) / 1000;
    expect(Math.abs(lifetime - SESSION_MAX_AGE_SECONDS)).toBeLessThan(5);

    await revokeSession(database.db, id);
    expect(await loadSessionActor(database.db, id)).toBeNull();
    expect(await row(id)).toBeUndefined();
  });

  it('signs nobody in with an expired session', async () => {
    const id = await start('bob@example.com');
    await database.db.update(sessions).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(sessions.id, id));
    expect(await loadSessionActor(database.db, id)).toBeNull();
  });

  it('extends a session that is used, at most once a minute', async () => {
    const id = await start('bob@example.com');
    await database.db
      .update(sessions)
      .set({ lastSeenAt: sql`now() - interval '2 hours'`, expiresAt: sql`now() + interval '10 hours'` })
      .where(eq(sessions.id, id));
    expect(await loadSessionActor(database.db, id)).not.toBeNull();
    const touched = await row(id);
    expect(Date.now() - touched!.lastSeenAt.getTime()).toBeLessThan(60_000);
    expect(touched!.expiresAt.getTime() - Date.now()).toBeGreaterThan((SESSION_MAX_AGE_SECONDS - 60) * 1000);

    await database.db.update(sessions).set({ expiresAt: sql`now() + interval '10 hours'` }).where(eq(sessions.id, id));
    await loadSessionActor(database.db, id);
    expect((await row(id))!.expiresAt.getTime() - Date.now()).toBeLessThan(10 * 3600 * 1000 + 1000);
  });

  it('reads roles and memberships as they are now: a demotion and a removal show on the next load', async () => {
    const id = await start('admin@example.com');
    const admin = demo.id('admin@example.com');
    expect((await loadSessionActor(database.db, id))!.memberships.find((m) => m.accountId === 'acme')?.role).toBe('admin');
    await database.db
      .update(accountMembers)
      .set({ role: 'member' })
      .where(and(eq(accountMembers.accountId, 'acme'), eq(accountMembers.userId, admin)));
    expect((await loadSessionActor(database.db, id))!.memberships.find((m) => m.accountId === 'acme')?.role).toBe('member');
    await database.db.delete(accountMembers).where(and(eq(accountMembers.accountId, 'acme'), eq(accountMembers.userId, admin)));
    expect((await loadSessionActor(database.db, id))!.memberships.map((m) => m.accountId)).toEqual(['globex']);
    await database.db.delete(accountMembers).where(eq(accountMembers.userId, admin));
    expect(await loadSessionActor(database.db, id)).toMatchObject({ email: 'admin@example.com', memberships: [] });
  });

  it('ends with its user: deleting the user deletes their sessions', async () => {
    const [user] = await database.db.insert(users).values({ email: 'leaving@example.com', name: 'Leaving', passwordHash: 'x' }).returning();
    const id = await createSession(database.db, { userId: user!.id });
    expect(await loadSessionActor(database.db, id)).toMatchObject({ email: 'leaving@example.com', memberships: [] });
    await database.db.delete(users).where(eq(users.id, user!.id));
    expect(await loadSessionActor(database.db, id)).toBeNull();
    expect(await row(id)).toBeUndefined();
  });

  it('ends every session of a user, or every one but the current', async () => {
    const [a, b, c] = [await start('bob@example.com'), await start('bob@example.com'), await start('bob@example.com')];
    const alice = await start('alice@example.com');
    expect(await revokeUserSessions(database.db, demo.id('bob@example.com'), { except: b })).toBeGreaterThanOrEqual(2);
    expect(await loadSessionActor(database.db, a)).toBeNull();
    expect(await loadSessionActor(database.db, c)).toBeNull();
    expect(await loadSessionActor(database.db, b)).not.toBeNull();
    expect(await loadSessionActor(database.db, alice)).not.toBeNull();
    expect(await revokeUserSessions(database.db, demo.id('bob@example.com'))).toBe(1);
    expect(await loadSessionActor(database.db, b)).toBeNull();
    expect(await loadSessionActor(database.db, alice)).not.toBeNull();
  });

  it('signs nobody in with an ID that is not one, and revoking one changes nothing', async () => {
    for (const id of ['', 'x', "' or 1=1 --", '00000000-0000-0000-0000-000000000000', 'a'.repeat(10_000)]) {
      expect(await loadSessionActor(database.db, id)).toBeNull();
      await revokeSession(database.db, id);
    }
  });

  it('keeps only what a user agent can be, and removes sessions that ran out as others begin', async () => {
    const id = await createSession(database.db, { userId: demo.id('bob@example.com'), userAgent: `a\u0000b\n${'x'.repeat(1000)}` });
    expect((await row(id))!.userAgent).toBe(`ab${'x'.repeat(510)}`);
    await database.db.update(sessions).set({ expiresAt: sql`now() - interval '1 day'` }).where(eq(sessions.id, id));
    await start('bob@example.com');
    expect(await row(id)).toBeUndefined();
  });
});
