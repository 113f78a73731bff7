import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, loadSessionActor } from '@/lib/auth/sessions';
import { auditEvents, users } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { AppError } from '@/lib/errors';
import { actorByEmail } from '@/lib/testing/demo';
import { changePassword, renameSelf, signOutEverywhere } from './profile';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

const NEW = 'a calm river at dawn';

describe(`profile (${testBackend})`, () => {
  it('changes the password with the current one; the other sessions end, this one stays', async () => {
    const alice = await actorByEmail(database.db, 'alice@example.com');
    const here = await createSession(database.db, { userId: alice.userId });
    const elsewhere = await createSession(database.db, { userId: alice.userId });
    const wrong = await changePassword(database.db, alice, here, { currentPassword: 'not it', password: NEW, confirmPassword: NEW }).catch((e: AppError) => e);
    expect((wrong as AppError).fieldErrors).toEqual({ currentPassword: 'The current password is not right.' });
    const weak = await changePassword(database.db, alice, here, { currentPassword: 'demo-password', password: 'qwerty123456', confirmPassword: 'qwerty123456' }).catch((e: AppError) => e);
    expect((weak as AppError).fieldErrors).toEqual({ password: 'This password is too easy to guess. Choose another one.' });

    expect(await changePassword(database.db, alice, here, { currentPassword: 'demo-password', password: NEW, confirmPassword: NEW })).toEqual({ sessionsEnded: 1 });
    expect(await loadSessionActor(database.db, here)).not.toBeNull();
    expect(await loadSessionActor(database.db, elsewhere)).toBeNull();
    const [row] = await database.db.select().from(users).where(eq(users.id, alice.userId));
    expect(row!.passwordHash).not.toContain(NEW);
    const events = await database.db.select().from(auditEvents).where(eq(auditEvents.action, 'user.password_changed'));
    expect(events.map((e) => e.accountId).sort()).toEqual(['acme', 'globex']);
    expect(JSON.stringify(events)).not.toContain(NEW);
  });

  it('renames, and signs out everywhere', async () => {
    const bob = await actorByEmail(database.db, 'bob@example.com');
    await renameSelf(database.db, bob, { name: 'Robert' });
    expect((await actorByEmail(database.db, 'bob@example.com')).name).toBe('Robert');
    const one = await createSession(database.db, { userId: bob.userId });
    const two = await createSession(database.db, { userId: bob.userId });
    expect(await signOutEverywhere(database.db, bob, { confirm: true })).toEqual({ sessionsEnded: 2 });
    expect(await loadSessionActor(database.db, one)).toBeNull();
    expect(await loadSessionActor(database.db, two)).toBeNull();
    const actions = (await database.db.select().from(auditEvents).where(eq(auditEvents.actorEmail, 'bob@example.com'))).map((e) => e.action);
    expect(actions).toEqual(['user.renamed', 'user.signed_out_everywhere']);
  });
});
