// Password sign-in as next-auth runs it (auth.ts): requests go to its handler as a browser sends
// them; next/headers and the database handle are given by the test, every password check (the
// hash) is counted, and the last device cookie set is kept.
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { newOneTimeCode } from '@/lib/auth/one-time-codes';
import { hashPassword } from '@/lib/auth/password';
import { DEVICE_COOKIE } from '@/lib/auth/sign-in-device';
import { passwordResets, users } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { resetPassword } from '@/lib/people/password-reset';
import { changePassword } from '@/lib/people/profile';
import { actorByEmail } from '@/lib/testing/demo';

const state = vi.hoisted(() => ({ db: null as unknown, checks: 0, device: null as string | null }));

vi.stubEnv('AUTH_SECRET', 'auth-test-secret-0123456789abcdefghijklmnop');
vi.mock('server-only', () => ({}));
vi.mock('next/headers', () => ({
  headers: async () => new Headers({ host: 'portal.test', 'x-forwarded-proto': 'http' }),
  cookies: async () => ({
    get: () => undefined,
    set: (name: string, value: string) => {
      if (name === 'sign-in-device') state.device = value;
    },
  }),
}));
vi.mock('@/lib/db', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/lib/db')>()),
  getDb: async () => state.db,
}));
vi.mock('@/lib/auth/users', async (importOriginal) => {
  const original = await importOriginal<typeof import('@/lib/auth/users')>();
  return {
    ...original,
    authenticate: async (email: string, password: string) => {
      state.checks++;
      return original.authenticate(email, password);
    },
  };
});

const { handlers } = await import('./auth');

const ORIGIN = 'http://portal.test';

/**
 * What the browser is sent back to: `code` is `credentials` for a wrong pair, `rate_limited:<seconds>`
 * when refused; null on success. `device` is the browser's device cookie, if it has one.
 */
async function signIn(form: { csrfToken: string; cookie: string }, email: string, password: string, ip: string, device?: string): Promise<string | null> {
  const cookie = device ? `${form.cookie}; ${DEVICE_COOKIE}=${device}` : form.cookie;
  const response = await handlers.POST(
    new NextRequest(`${ORIGIN}/api/auth/callback/credentials`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, 'x-forwarded-for': ip },
      body: new URLSearchParams({ email, password, csrfToken: form.csrfToken, callbackUrl: `${ORIGIN}/` }),
    }),
  );
  const location = new URL(response.headers.get('location') ?? '', ORIGIN);
  return location.pathname === '/sign-in' ? location.searchParams.get('code') : null;
}

/** The sign-in form's CSRF token and cookie, as the page gets them. */
async function signInForm(): Promise<{ csrfToken: string; cookie: string }> {
  const response = await handlers.GET(new NextRequest(`${ORIGIN}/api/auth/csrf`));
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return { csrfToken, cookie: response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ') };
}

/** How many answers of each kind; a refusal's seconds are those left of the ten-minute window. */
const tally = (codes: (string | null)[]) => {
  const counts: Record<string, number> = {};
  for (const code of codes) {
    const seconds = /^rate_limited:(\d+)$/.exec(code ?? '');
    if (seconds) expect(Number(seconds[1])).toBeGreaterThan(590);
    const kind = seconds ? 'rate_limited' : (code ?? 'signed in');
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
};

describe(`password sign-in (${testBackend})`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    state.db = database.db;
    // next-auth logs every refused sign-in.
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterAll(() => database.close());

  it('checks at most the limit of passwords of one email and client however many are tried at once', async () => {
    const form = await signInForm();
    state.checks = 0;
    const codes = await Promise.all(Array.from({ length: 40 }, () => signIn(form, 'bob@example.com', 'not it', '198.51.100.1')));
    expect(state.checks).toBe(10);
    expect(tally(codes)).toEqual({ credentials: 10, rate_limited: 30 });
    // On PostgreSQL the counts are in the table every instance shares.
    if (testBackend === 'postgres') {
      const rows = await database.db.execute(`select count(*)::int as n from failure_counts where scope like 'sign-in:%'`);
      expect((rows as unknown as { rows: { n: number }[] }).rows[0]!.n).toBe(3);
    }
  });

  it('checks at most the limit of passwords of one email from many clients at once', async () => {
    const form = await signInForm();
    state.checks = 0;
    const codes = await Promise.all(Array.from({ length: 40 }, (_, i) => signIn(form, 'alice@example.com', 'not it', `203.0.113.${i}`)));
    expect(state.checks).toBe(30);
    expect(tally(codes)).toEqual({ credentials: 30, rate_limited: 10 });
  });

  it('never slows a right password down, which counts nothing', async () => {
    const form = await signInForm();
    for (let i = 0; i < 15; i++) expect(await signIn(form, 'admin@example.com', 'demo-password', '198.51.100.2')).toBeNull();
    // The ten failures this client may make on the email are all still there.
    state.checks = 0;
    const codes = await Promise.all(Array.from({ length: 12 }, () => signIn(form, 'admin@example.com', 'not it', '198.51.100.2')));
    expect(state.checks).toBe(10);
    expect(tally(codes)).toEqual({ credentials: 10, rate_limited: 2 });
  });

  const NEW_PASSWORD = 'a new password nobody else knows';
  const newPassword: Record<string, (email: string) => Promise<unknown>> = {
    changed: async (email) => {
      const input = { currentPassword: 'demo-password', password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD };
      return changePassword(database.db, await actorByEmail(database.db, email), null, input);
    },
    reset: async (email) => {
      const { code, codeHash } = newOneTimeCode();
      const { userId } = await actorByEmail(database.db, email);
      await database.db.insert(passwordResets).values({ userId, codeHash, expiresAt: new Date(Date.now() + 60_000) });
      return resetPassword(database.db, { code, password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD });
    },
  };

  it.each(['changed', 'reset'])('counts a browser that signed in before the password was %s as any other client', async (how) => {
    // A person of their own: the demo emails have failures of the tests above in this window.
    const email = `device-${how}@example.com`;
    await database.db.insert(users).values({ email, name: 'Device', passwordHash: await hashPassword('demo-password') });
    const form = await signInForm();
    // Whoever knew the old password signed in with it, and kept the cookie.
    state.device = null;
    expect(await signIn(form, email, 'demo-password', '198.51.100.40')).toBeNull();
    const before = state.device!;
    expect(before).toBeTruthy();

    await newPassword[how]!(email);
    // The owner signs in with the new one in their own browser.
    state.device = null;
    expect(await signIn(form, email, NEW_PASSWORD, '203.0.113.40')).toBeNull();
    const owner = state.device!;
    expect(owner).toBeTruthy();

    // Failures from many clients reach the email's limit.
    const flood = await Promise.all(Array.from({ length: 30 }, (_, i) => signIn(form, email, 'not it', `192.0.2.${i}`)));
    expect(tally(flood)).toEqual({ credentials: 30 });
    // The cookie from before the new password gets no guesses of its own; the owner's still gets in.
    state.checks = 0;
    const stale = await Promise.all(Array.from({ length: 10 }, () => signIn(form, email, 'not it', '198.51.100.41', before)));
    expect(tally(stale)).toEqual({ rate_limited: 10 });
    expect(await signIn(form, email, NEW_PASSWORD, '198.51.100.41', before)).toMatch(/^rate_limited:/);
    expect(state.checks).toBe(0);
    expect(await signIn(form, email, NEW_PASSWORD, '198.51.100.41', owner)).toBeNull();
  });
});
