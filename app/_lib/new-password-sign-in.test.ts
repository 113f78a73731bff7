// A password set by a one-time code (reset, invitation, setup) is followed by a sign-in with it.
// When that sign-in is refused (the email's sign-in limit reached by someone else's guesses), the
// password is set all the same: the person is sent to the sign-in page, which says so, and is
// never told that nothing changed.
import { eq } from 'drizzle-orm';
import { redirect } from 'next/navigation';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { verifyPassword } from '@/lib/auth/password';
import { signInLimits } from '@/lib/auth/sign-in-limits';
import type { Db } from '@/lib/db';
import { users } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { issueSetupCode } from '@/lib/people/setup';
import { buildWorld, EMAILS } from '../_test/server-actions';
import { SIGN_IN_NOTICES, signInNotice } from './new-password-sign-in';

const state = vi.hoisted(() => ({ db: null as Db | null, signIn: 'succeeds' as 'succeeds' | 'rate-limited' | 'fails' | 'real' }));

vi.stubEnv('AUTH_SECRET', 'new-password-test-secret-0123456789abcdefghij');

vi.mock('server-only', () => ({}));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined, updateTag: () => undefined }));
vi.mock('next/headers', () => ({
  headers: async () => new Headers({ 'x-forwarded-for': '192.0.2.1', host: 'portal.test', 'x-forwarded-proto': 'http' }),
  cookies: async () => ({ get: () => undefined, set: () => undefined, delete: () => undefined }),
}));
vi.mock('@/lib/db', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/lib/db')>()),
  getDb: async () => state.db,
}));
// The sign-in as next-auth answers it: a redirect to where it was asked to go, or a refusal; or
// next-auth's own (auth.ts).
vi.mock('@/auth', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/auth')>()),
  signIn: async (...args: Parameters<typeof import('@/auth').signIn>) => {
    const [, options] = args as [string, { redirectTo: string }];
    if (state.signIn === 'real') return (await importOriginal<typeof import('@/auth')>()).signIn(...args);
    if (state.signIn === 'rate-limited') throw new (await importOriginal<typeof import('@/auth')>()).SignInRateLimited(600);
    if (state.signIn === 'fails') throw new Error('database unreachable');
    redirect(options.redirectTo);
  },
}));

const { resetPasswordAction } = await import('@/app/_actions/password-reset');
const { acceptInvitationAction } = await import('@/app/_actions/invitations');
const { completeSetupAction, completeSsoSetupAction } = await import('@/app/_actions/setup');

const PASSWORD = 'a calm river at dawn';

/** Where the action sent the browser: the path of its redirect, or its result when it answered. */
async function destination(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return await run();
  } catch (error) {
    const digest = (error as { digest?: unknown }).digest;
    if (typeof digest === 'string' && digest.startsWith('NEXT_REDIRECT;')) return digest.split(';')[2];
    throw error;
  }
}

/** Runs `run` without the log lines of a refused sign-in (next-auth's own and this helper's). */
async function quietly<T>(run: () => Promise<T>): Promise<T> {
  const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    return await run();
  } finally {
    logged.mockRestore();
  }
}

async function passwordOf(db: Db, email: string): Promise<string> {
  const [row] = await db.select({ hash: users.passwordHash }).from(users).where(eq(users.email, email));
  return row!.hash!;
}

describe(`signing in with a newly set password (${testBackend})`, () => {
  let database: TestDatabase;
  beforeEach(() => {
    state.signIn = 'succeeds';
  });
  afterEach(async () => {
    await database.close();
  });

  const EXPECTED = {
    succeeds: '/platform-tokens',
    'rate-limited': `/sign-in?notice=password-set-later&callbackUrl=${encodeURIComponent('/platform-tokens')}`,
    fails: `/sign-in?notice=password-set&callbackUrl=${encodeURIComponent('/platform-tokens')}`,
  };

  for (const outcome of ['succeeds', 'rate-limited', 'fails'] as const) {
    const expected = EXPECTED[outcome];

    it(`a reset password, when the sign-in ${outcome}, leads to ${expected}`, async () => {
      database = await createTestDatabase();
      state.db = database.db;
      const world = await buildWorld(database);
      state.signIn = outcome;
      const to = await quietly(() => destination(() => resetPasswordAction({ code: world.resetCode, password: PASSWORD, confirmPassword: PASSWORD })));
      expect(to).toBe(expected);
      expect(await verifyPassword(PASSWORD, await passwordOf(world.db, EMAILS.alice))).toBe(true);
    });

    it(`an accepted invitation, when the sign-in ${outcome}, leads to ${expected}`, async () => {
      database = await createTestDatabase();
      state.db = database.db;
      const world = await buildWorld(database);
      state.signIn = outcome;
      const to = await quietly(() =>
        destination(() => acceptInvitationAction({ code: world.invitationCode, name: 'Newcomer', password: PASSWORD, confirmPassword: PASSWORD })),
      );
      expect(to).toBe(expected);
      expect(await verifyPassword(PASSWORD, await passwordOf(world.db, 'newcomer@example.com'))).toBe(true);
    });
  }

  it('a reset password, when next-auth refuses the sign-in for the email’s limit, leads to the sign-in page that says so', async () => {
    database = await createTestDatabase();
    state.db = database.db;
    const world = await buildWorld(database);
    state.signIn = 'real';
    // Someone else's guesses from many addresses: the email's limit of 30 is reached.
    for (let i = 0; i < 30; i++) await signInLimits.fail({ ip: `203.0.113.${i}`, email: EMAILS.alice });
    const to = await quietly(() => destination(() => resetPasswordAction({ code: world.resetCode, password: PASSWORD, confirmPassword: PASSWORD })));
    expect(to).toBe(EXPECTED['rate-limited']);
    expect(await verifyPassword(PASSWORD, await passwordOf(world.db, EMAILS.alice))).toBe(true);
  });

  it('the portal set up, when the sign-in is refused, leads to the sign-in page and on to its users', async () => {
    database = await createTestDatabase({ seed: false });
    state.db = database.db;
    const code = await issueSetupCode(database.db);
    state.signIn = 'rate-limited';
    const setUp = { code: code!, accountName: 'Initech', name: 'Peter', email: 'peter@initech.example', password: PASSWORD, confirmPassword: PASSWORD };
    const to = await quietly(() => destination(() => completeSetupAction(setUp)));
    expect(to).toMatch(/^\/sign-in\?notice=password-set-later&callbackUrl=%2Faccounts%2F[^%]+%2Fiam%2Fusers$/);
    expect(await verifyPassword(PASSWORD, await passwordOf(database.db, 'peter@initech.example'))).toBe(true);
  });
});

describe('the sign-in page’s notice', () => {
  it('is one of its own texts, never one taken from the URL', () => {
    expect(signInNotice('password-set')).toBe(SIGN_IN_NOTICES['password-set']);
    expect(signInNotice('password-set-later')).toBe(SIGN_IN_NOTICES['password-set-later']);
    for (const other of [undefined, '', 'Your account is locked: call +1 555 0100', 'toString', '__proto__', 'constructor']) {
      expect(signInNotice(other)).toBeNull();
    }
  });
});

describe(`setting the portal up with single sign-on only (${testBackend})`, () => {
  const ssoOnly = () => {
    vi.stubEnv('PASSWORD_SIGN_IN', 'false');
    vi.stubEnv('OIDC_ISSUER', 'https://login.example.com');
    vi.stubEnv('OIDC_CLIENT_ID', 'portal');
    vi.stubEnv('OIDC_CLIENT_SECRET', 'sso-test-secret');
  };
  const restore = () => {
    vi.unstubAllEnvs();
    vi.stubEnv('AUTH_SECRET', 'new-password-test-secret-0123456789abcdefghij');
  };

  it('creates the admin without a password and sends them to sign in through the provider; a password is refused', async () => {
    const database = await createTestDatabase({ seed: false });
    state.db = database.db;
    try {
      const code = (await issueSetupCode(database.db))!;
      ssoOnly();
      const fields = { code, accountName: 'Initech', name: 'Peter', email: 'peter@initech.example' };
      expect(await completeSetupAction({ ...fields, password: PASSWORD, confirmPassword: PASSWORD })).toEqual({
        ok: false,
        message: 'Passwords are turned off on this portal: sign in with single sign-on.',
        fieldErrors: {},
      });
      expect(await database.db.select({ id: users.id }).from(users)).toEqual([]);
      const to = await destination(() => completeSsoSetupAction(fields));
      expect(to).toMatch(/^\/sign-in\?notice=set-up&callbackUrl=%2Faccounts%2Finitech%2Fiam%2Fusers$/);
      expect(signInNotice('set-up')).toBe('The portal is set up. Sign in with single sign-on, as the email you gave for its admin.');
      const [peter] = await database.db.select().from(users).where(eq(users.email, 'peter@initech.example'));
      expect(peter?.passwordHash).toBeNull();
    } finally {
      restore();
      await database.close();
    }
  });

  it('is refused while passwords are on: the admin then chooses one', async () => {
    const database = await createTestDatabase({ seed: false });
    state.db = database.db;
    try {
      const code = (await issueSetupCode(database.db))!;
      expect(await completeSsoSetupAction({ code, accountName: 'Initech', name: 'Peter', email: 'peter@initech.example' })).toEqual({
        ok: false,
        message: 'Passwords are turned on on this portal: choose a password for its admin.',
        fieldErrors: {},
      });
      expect(await database.db.select({ id: users.id }).from(users)).toEqual([]);
    } finally {
      await database.close();
    }
  });
});

describe(`an invitation with single sign-on only (${testBackend})`, () => {
  it('is not accepted with a password: the person signs in with single sign-on and joins', async () => {
    const database = await createTestDatabase();
    state.db = database.db;
    try {
      const world = await buildWorld(database);
      vi.stubEnv('PASSWORD_SIGN_IN', 'false');
      vi.stubEnv('OIDC_ISSUER', 'https://login.example.com');
      vi.stubEnv('OIDC_CLIENT_ID', 'portal');
      vi.stubEnv('OIDC_CLIENT_SECRET', 'sso-test-secret');
      const result = await acceptInvitationAction({ code: world.invitationCode, name: 'Newcomer', password: PASSWORD, confirmPassword: PASSWORD });
      expect(result).toEqual({ ok: false, message: 'Passwords are turned off on this portal: sign in with single sign-on.', fieldErrors: {} });
      expect(await world.db.select({ id: users.id }).from(users).where(eq(users.email, 'newcomer@example.com'))).toEqual([]);
    } finally {
      vi.unstubAllEnvs();
      vi.stubEnv('AUTH_SECRET', 'new-password-test-secret-0123456789abcdefghij');
      await database.close();
    }
  });
});
