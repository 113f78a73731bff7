import { eq, sql } from 'drizzle-orm';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, loadSessionActor } from '@/lib/auth/sessions';
import { SignInLimits } from '@/lib/auth/sign-in-limits';
import { newOneTimeCode } from '@/lib/auth/one-time-codes';
import { hashPassword, verifyPassword } from '@/lib/auth/password';
import { accountMembers, auditEvents, passwordResets, users } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { AppError } from '@/lib/errors';
import { TableFailureStore } from '@/lib/failure-counts';
import type { Reservation } from '@/lib/rate-limit';
import { actorByEmail } from '@/lib/testing/demo';
import { RESET_MESSAGES, resetPassword, viewPasswordReset } from './password-reset';
import { changePassword, renameSelf, signOutEverywhere } from './profile';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

const NEW = 'a calm river at dawn';

/** A person of Acme whose password is the demo one. */
async function newPerson(email: string, name: string) {
  const [user] = await database.db.insert(users).values({ email, name, passwordHash: await hashPassword('demo-password') }).returning({ id: users.id });
  await database.db.insert(accountMembers).values({ accountId: 'acme', userId: user!.id, role: 'member' });
  return actorByEmail(database.db, email);
}

describe(`profile (${testBackend})`, () => {
  it('changes the password with the current one; the other sessions end, this one stays', async () => {
    const limits = new SignInLimits();
    const alice = await actorByEmail(database.db, 'alice@example.com');
    const here = await createSession(database.db, { userId: alice.userId });
    const elsewhere = await createSession(database.db, { userId: alice.userId });
    const wrong = await changePassword(database.db, alice, here, { currentPassword: 'not it', password: NEW, confirmPassword: NEW }, limits).catch((e: AppError) => e);
    expect((wrong as AppError).fieldErrors).toEqual({ currentPassword: 'The current password is not right.' });
    const weak = await changePassword(database.db, alice, here, { currentPassword: 'demo-password', password: 'qwerty123456', confirmPassword: 'qwerty123456' }, limits).catch((e: AppError) => e);
    expect((weak as AppError).fieldErrors).toEqual({ password: 'This password is too easy to guess. Choose another one.' });

    expect(await changePassword(database.db, alice, here, { currentPassword: 'demo-password', password: NEW, confirmPassword: NEW }, limits)).toEqual({ sessionsEnded: 1 });
    expect(await loadSessionActor(database.db, here)).not.toBeNull();
    expect(await loadSessionActor(database.db, elsewhere)).toBeNull();
    const [row] = await database.db.select().from(users).where(eq(users.id, alice.userId));
    expect(row!.passwordHash).not.toContain(NEW);
    const events = await database.db.select().from(auditEvents).where(eq(auditEvents.action, 'user.password_changed'));
    expect(events.map((e) => e.accountId).sort()).toEqual(['acme', 'globex']);
    expect(JSON.stringify(events)).not.toContain(NEW);
  });

  it('refuses to check the current password beyond the sign-in limit of the email, however many are tried at once', async () => {
    const bob = await actorByEmail(database.db, 'bob@example.com');
    const limits = new SignInLimits(new TableFailureStore(async () => database.db));
    const attempt = (currentPassword: string) =>
      changePassword(database.db, bob, null, { currentPassword, password: NEW, confirmPassword: NEW }, limits).then(
        () => 'changed',
        (e: AppError) => e.fieldErrors?.currentPassword,
      );
    // Failed sign-ins on the email count too: twenty from elsewhere leave ten guesses here.
    for (let i = 0; i < 20; i++) await limits.fail({ ip: `203.0.113.${i}`, email: 'bob@example.com' });
    const answers = await Promise.all(Array.from({ length: 40 }, () => attempt('not it')));
    expect(answers.filter((a) => a === 'The current password is not right.')).toHaveLength(10);
    expect(answers.filter((a) => a === 'Too many wrong passwords for this email. Try again in 10 minutes.')).toHaveLength(30);
    // Even the right one is refused until the window ends; the password stays as it was.
    expect(await attempt('demo-password')).toBe('Too many wrong passwords for this email. Try again in 10 minutes.');
    const [row] = await database.db.select().from(users).where(eq(users.id, bob.userId));
    expect(await verifyPassword('demo-password', row!.passwordHash!)).toBe(true);
  });

  it('counts nothing for a right current password', async () => {
    const admin = await actorByEmail(database.db, 'admin@example.com');
    const limits = new SignInLimits();
    const weak = { currentPassword: 'demo-password', password: 'qwerty123456', confirmPassword: 'qwerty123456' };
    for (let i = 0; i < 40; i++) {
      const refused = await changePassword(database.db, admin, null, weak, limits).catch((e: AppError) => e);
      expect((refused as AppError).fieldErrors).toEqual({ password: 'This password is too easy to guess. Choose another one.' });
    }
  });

  it('ends the reset links still open when the password changes', async () => {
    const admin = await actorByEmail(database.db, 'admin@example.com');
    const { code, codeHash } = newOneTimeCode();
    await database.db.insert(passwordResets).values({ userId: admin.userId, codeHash, expiresAt: sql`now() + interval '1 hour'` });
    expect(await viewPasswordReset(database.db, code)).toBe('valid');
    await changePassword(database.db, admin, null, { currentPassword: 'demo-password', password: NEW, confirmPassword: NEW }, new SignInLimits());
    expect(await viewPasswordReset(database.db, code)).toBe('used');
    const late = await resetPassword(database.db, { code, password: 'another calm river', confirmPassword: 'another calm river' }).catch((e: AppError) => e);
    expect((late as AppError).fieldErrors).toEqual({ code: RESET_MESSAGES.used });
  });

  it('keeps a password reset made while the current password was checked, rather than replacing it', async () => {
    const carol = await newPerson('carol@example.com', 'Carol');
    const { code, codeHash } = newOneTimeCode();
    await database.db.insert(passwordResets).values({ userId: carol.userId, codeHash, expiresAt: sql`now() + interval '1 hour'` });
    // The owner completes a reset just after the old password was found right for someone else's change.
    class ResetMeanwhile extends SignInLimits {
      override async reservePasswordCheck(email: string, now?: number): Promise<Reservation> {
        const reservation = await super.reservePasswordCheck(email, now);
        return {
          wait: reservation.wait,
          release: async () => {
            await reservation.release();
            await resetPassword(database.db, { code, password: 'the owner’s own new one', confirmPassword: 'the owner’s own new one' });
          },
        };
      }
    }
    const refused = await changePassword(
      database.db,
      carol,
      null,
      { currentPassword: 'demo-password', password: NEW, confirmPassword: NEW },
      new ResetMeanwhile(),
    ).catch((e: AppError) => e);
    expect((refused as AppError).fieldErrors).toEqual({ currentPassword: 'Your password was just changed elsewhere, so this change was not made.' });
    const [row] = await database.db.select().from(users).where(eq(users.id, carol.userId));
    expect(await verifyPassword('the owner’s own new one', row!.passwordHash!)).toBe(true);
    const actions = (await database.db.select().from(auditEvents).where(eq(auditEvents.actorEmail, 'carol@example.com'))).map((e) => e.action);
    expect(actions).toEqual(['user.password_reset']);
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

describe.skipIf(testBackend !== 'postgres')('Change password beside a reset on another connection', () => {
  it('refuses when the reset commits while the change waits for the person’s row', async () => {
    const dave = await newPerson('dave@example.com', 'Dave');
    const resetHash = await hashPassword('the owner’s own new one');
    // Another instance's reset, mid-way: the row is changed, not yet committed.
    const other = new Client({ connectionString: database.url! });
    await other.connect();
    try {
      await other.query('begin');
      await other.query('update users set password_hash = $1 where id = $2', [resetHash, dave.userId]);
      const change = changePassword(database.db, dave, null, { currentPassword: 'demo-password', password: NEW, confirmPassword: NEW }, new SignInLimits()).then(
        () => 'changed',
        (e: AppError) => e.fieldErrors?.currentPassword,
      );
      // Once the change waits for the row (it checked the old password, still the committed one), the reset commits.
      await expect
        .poll(async () => (await other.query(`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)).rows[0].n, { timeout: 10_000 })
        .toBe(1);
      await other.query('commit');
      expect(await change).toBe('Your password was just changed elsewhere, so this change was not made.');
    } finally {
      await other.end();
    }
    const [row] = await database.db.select().from(users).where(eq(users.id, dave.userId));
    expect(row!.passwordHash).toBe(resetHash);
  });

  it('a reset and a change lock the person’s row before their links, so the two never deadlock', async () => {
    const erin = await newPerson('erin@example.com', 'Erin');
    // Two open links, as two requests for one at the same moment can leave.
    const first = newOneTimeCode();
    const second = newOneTimeCode();
    await database.db.insert(passwordResets).values([
      { userId: erin.userId, codeHash: first.codeHash, expiresAt: sql`now() + interval '1 hour'` },
      { userId: erin.userId, codeHash: second.codeHash, expiresAt: sql`now() + interval '1 hour'` },
    ]);
    const other = new Client({ connectionString: database.url! });
    await other.connect();
    const waiting = async () =>
      (await other.query(`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)).rows[0].n;
    try {
      await other.query('begin');
      await other.query('select 1 from users where id = $1 for update', [erin.userId]);
      const outcome = (promise: Promise<unknown>) =>
        promise.then(
          () => 'done',
          (e: unknown) => (e instanceof AppError ? e.fieldErrors : e),
        );
      const reset = outcome(resetPassword(database.db, { code: first.code, password: 'the owner’s own new one', confirmPassword: 'the owner’s own new one' }));
      const change = outcome(changePassword(database.db, erin, null, { currentPassword: 'demo-password', password: NEW, confirmPassword: NEW }, new SignInLimits()));
      await expect.poll(waiting, { timeout: 10_000 }).toBe(2);
      // Both wait for the person's row and hold none of the links yet.
      const links = await other.query('select id from password_resets where user_id = $1 for update nowait', [erin.userId]);
      expect(links.rowCount).toBe(2);
      await other.query('rollback');
      // Whichever goes first, the other sees it, and neither fails for a deadlock.
      const outcomes = [await reset, await change];
      expect([
        ['done', { currentPassword: 'Your password was just changed elsewhere, so this change was not made.' }],
        [{ code: RESET_MESSAGES.used }, 'done'],
      ]).toContainEqual(outcomes);
    } finally {
      await other.end();
    }
  });
});
