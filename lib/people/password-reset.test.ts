import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOneTimeCode } from '@/lib/auth/one-time-codes';
import { verifyPassword } from '@/lib/auth/password';
import { createSession, loadSessionActor } from '@/lib/auth/sessions';
import { auditEvents, emailMessages, failureCounts, passwordResets, users } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { AppError } from '@/lib/errors';
import { TableFailureStore } from '@/lib/failure-counts';
import { MemoryFailureStore } from '@/lib/rate-limit';
import { actorByEmail } from '@/lib/testing/demo';
import { startSmtpServer } from '@/lib/testing/smtp';
import { requestPasswordReset, RESET_MESSAGES, ResetLimits, resetPassword, viewPasswordReset, withAnswerFloor } from './password-reset';
import { LINK_PLACEHOLDER } from './portal-email';

const ORIGIN = 'https://tokens.example.com';
const NEW = 'a calm river at dawn';
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

const someone = (n: number) => ({ ip: `198.51.100.${n}`, device: null });

describe(`forgot password (${testBackend})`, () => {
  it('emails a one-time link valid for an hour; the new password ends every session; the outbox never holds the link', async () => {
    const smtp = await startSmtpServer();
    const saved = process.env.SMTP_URL;
    process.env.SMTP_URL = `smtp://127.0.0.1:${smtp.port}`;
    try {
      const alice = await actorByEmail(database.db, 'alice@example.com');
      const session = await createSession(database.db, { userId: alice.userId });
      const delivery = await requestPasswordReset(database.db, { email: 'Alice@Example.com' }, ORIGIN, someone(1), new ResetLimits());
      expect(delivery).not.toBeNull();
      await delivery!();
      expect(smtp.received).toHaveLength(1);
      // Long lines travel quoted-printable, with soft line breaks.
      const text = smtp.received[0]!.data.replace(/=\n/g, '').replace(/=3D/g, '=');
      const link = /https:\/\/tokens\.example\.com\/reset-password\/([A-Za-z0-9_-]{43})/.exec(text);
      expect(link).not.toBeNull();
      const code = link![1]!;
      const [stored] = await database.db.select().from(emailMessages).where(eq(emailMessages.ownerUserId, alice.userId));
      expect(stored).toMatchObject({ status: 'sent', subject: 'Choose a new password', to: ['alice@example.com'] });
      expect(stored!.body).toContain(LINK_PLACEHOLDER);
      expect(JSON.stringify(await database.db.select().from(passwordResets))).not.toContain(code);

      expect(await viewPasswordReset(database.db, code)).toBe('valid');
      const weak = await resetPassword(database.db, { code, password: 'password1234', confirmPassword: 'password1234' }).catch((e: AppError) => e);
      expect((weak as AppError).fieldErrors).toEqual({ password: 'This password is too easy to guess. Choose another one.' });
      expect(await resetPassword(database.db, { code, password: NEW, confirmPassword: NEW })).toEqual({ email: 'alice@example.com' });
      const [row] = await database.db.select().from(users).where(eq(users.id, alice.userId));
      expect(await verifyPassword(NEW, row!.passwordHash!)).toBe(true);
      expect(await loadSessionActor(database.db, session)).toBeNull();
      const again = await resetPassword(database.db, { code, password: NEW, confirmPassword: NEW }).catch((e: AppError) => e);
      expect((again as AppError).fieldErrors).toEqual({ code: RESET_MESSAGES.used });
      const events = await database.db.select().from(auditEvents).where(eq(auditEvents.action, 'user.password_reset'));
      expect(events.map((e) => e.accountId).sort()).toEqual(['acme', 'globex']);
    } finally {
      process.env.SMTP_URL = saved;
      await smtp.close();
    }
  });

  it('answers the same for an unknown email, and links expire after an hour', async () => {
    expect(await requestPasswordReset(database.db, { email: 'nobody@example.com' }, ORIGIN, someone(2), new ResetLimits())).toBeNull();
    const bob = await actorByEmail(database.db, 'bob@example.com');
    const { code, codeHash } = newOneTimeCode();
    await database.db.insert(passwordResets).values({ userId: bob.userId, codeHash, expiresAt: new Date(Date.now() - 1000) });
    expect(await viewPasswordReset(database.db, code)).toBe('expired');
    const late = await resetPassword(database.db, { code, password: NEW, confirmPassword: NEW }).catch((e: AppError) => e);
    expect((late as AppError).fieldErrors).toEqual({ code: RESET_MESSAGES.expired });
    expect(await viewPasswordReset(database.db, 'x'.repeat(43))).toBe('unknown');
  });

  it('limits clients, and a flood on an email from elsewhere leaves its owner’s browser its own links', async () => {
    const limits = new ResetLimits();
    for (let i = 0; i < 10; i++) await requestPasswordReset(database.db, { email: `n${i}@example.com` }, ORIGIN, someone(3), limits);
    const blocked = await requestPasswordReset(database.db, { email: 'admin@example.com' }, ORIGIN, someone(3), limits).catch((e: AppError) => e);
    expect((blocked as AppError).message).toMatch(/^Too many requests from your network\. Try again in (\d+ minutes|a minute)\.$/);

    // Other clients ask for admin@example.com: three links, then no more (the answer stays the same).
    const sent = [];
    for (let i = 10; i < 15; i++) sent.push(await requestPasswordReset(database.db, { email: 'admin@example.com' }, ORIGIN, someone(i), limits));
    const admin = await actorByEmail(database.db, 'admin@example.com');
    const emails = await database.db.select().from(emailMessages).where(eq(emailMessages.ownerUserId, admin.userId));
    expect(emails).toHaveLength(3);
    // The admin's own browser, which has signed in as them before, still gets one.
    await requestPasswordReset(database.db, { email: 'admin@example.com' }, ORIGIN, { ip: '198.51.100.10', device: 'own-browser' }, limits);
    expect(await database.db.select().from(emailMessages).where(eq(emailMessages.ownerUserId, admin.userId))).toHaveLength(4);
  });

  it.each([
    ['in memory', () => new MemoryFailureStore()],
    ['in the shared table', () => new TableFailureStore(async () => database.db)],
  ])('holds the caps for requests made at once, counted %s', async (_, store) => {
    await database.db.delete(failureCounts);
    const limits = new ResetLimits(store());
    const bob = await actorByEmail(database.db, 'bob@example.com');
    const mails = async () => (await database.db.select().from(emailMessages).where(eq(emailMessages.ownerUserId, bob.userId))).length;
    const before = await mails();
    // Twenty clients at once ask for one email: three links go out.
    const deliveries = await Promise.all(Array.from({ length: 20 }, (_, i) => requestPasswordReset(database.db, { email: 'bob@example.com' }, ORIGIN, someone(100 + i), limits)));
    expect(deliveries.filter((d) => d !== null)).toHaveLength(3);
    expect((await mails()) - before).toBe(3);
    // One client asks twenty times at once: ten are answered, the others told to wait.
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        requestPasswordReset(database.db, { email: `parallel-${i}@example.com` }, ORIGIN, someone(200), limits).then(
          () => 'answered',
          (e: AppError) => e.message,
        ),
      ),
    );
    expect(answers.filter((a) => a === 'answered')).toHaveLength(10);
    expect(answers.filter((a) => /^Too many requests from your network\. Try again in (\d+ minutes|a minute)\.$/.test(a))).toHaveLength(10);
  });

  it('answers no sooner than the floor, however quick the work', async () => {
    const started = performance.now();
    await withAnswerFloor(150, async () => null);
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });
});
