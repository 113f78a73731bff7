// The signed-in actor as every page and action gets it, through next-auth's real cookie handling:
// only the request (next/headers) and the database handle are given by the test.
import { and, eq } from 'drizzle-orm';
import { encode } from 'next-auth/jwt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSession } from '@/lib/auth/sessions';
import { accountMembers, groups, platformTokens, sessions } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { demoIdentities, type DemoIdentities } from '@/lib/testing/demo';
import { insertTestToken } from '@/lib/testing/tokens';

const request = vi.hoisted(() => ({ cookie: '', db: null as unknown, set: [] as { name: string; value: string }[] }));

vi.stubEnv('AUTH_SECRET', 'session-test-secret-0123456789abcdefghijklmnop');
vi.mock('server-only', () => ({}));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined, updateTag: () => undefined }));
vi.mock('next/headers', () => ({
  headers: async () => new Headers({ host: 'portal.test', 'x-forwarded-proto': 'http', cookie: request.cookie }),
  cookies: async () => ({
    get: () => undefined,
    set: (name: string, value: string) => request.set.push({ name, value }),
  }),
}));
vi.mock('@/lib/db', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/lib/db')>()),
  getDb: async () => request.db,
}));

const { currentActor, requireAccountAdmin, requireActor } = await import('./session');
const { signOutAction } = await import('./sign-out');
const { disableTokenAction, generateTokenAction } = await import('@/app/_actions/platform-tokens');
const { createGroupAction } = await import('@/app/_actions/groups');
const { tokenFormFields } = await import('@/lib/tokens/test-support');

const COOKIE = 'authjs.session-token';
const SIGNED_OUT = 'You are signed out. Sign in again to continue.';

async function cookieFor(token: Record<string, unknown>): Promise<string> {
  return `${COOKIE}=${await encode({ token, secret: process.env.AUTH_SECRET!, salt: COOKIE })}`;
}

/** What the redirect() or notFound() of a page threw, as Next.js reads it. */
async function thrown(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    return (error as { digest?: string }).digest ?? String(error);
  }
  return 'nothing thrown';
}

describe(`the signed-in actor (${testBackend})`, () => {
  let database: TestDatabase;
  let demo: DemoIdentities;
  beforeAll(async () => {
    database = await createTestDatabase();
    request.db = database.db;
    demo = await demoIdentities(database.db);
  });
  afterAll(() => database.close());

  async function signIn(email: string): Promise<string> {
    const sid = await createSession(database.db, { userId: demo.id(email) });
    request.cookie = await cookieFor({ sid });
    return sid;
  }

  it('is the session’s user while the session exists, and nobody once it is revoked', async () => {
    const sid = await signIn('bob@example.com');
    expect((await currentActor())?.email).toBe('bob@example.com');
    await database.db.delete(sessions).where(eq(sessions.id, sid));
    expect(await currentActor()).toBeNull();
    expect(await thrown(requireActor)).toMatch(/^NEXT_REDIRECT;replace;\/sign-in\?callbackUrl=%2Fplatform-tokens;307;/);
  });

  it('is nobody for a cookie without a session, a forged one, or none', async () => {
    request.cookie = await cookieFor({ sub: demo.id('bob@example.com'), email: 'bob@example.com' });
    expect(await currentActor()).toBeNull();
    request.cookie = `${COOKIE}=${await encode({ token: { sid: 'x' }, secret: 'another-secret-0123456789abcdefghijklmnop', salt: COOKIE })}`;
    expect(await currentActor()).toBeNull();
    request.cookie = '';
    expect(await currentActor()).toBeNull();
  });

  it('after Sign out, a copy of the old cookie loads no page and runs no action', async () => {
    const sid = await signIn('alice@example.com');
    const token = await insertTestToken(database.db, { owner: 'alice@example.com', scopes: ['document:documents:read'], environmentIds: ['acme-prod'] });
    const copy = request.cookie;
    expect(await thrown(signOutAction)).toMatch(/^NEXT_REDIRECT;(replace|push);http:\/\/portal\.test\/sign-in;/);
    expect(request.set.some((c) => c.name === COOKIE && c.value === '')).toBe(true);
    expect(await database.db.select().from(sessions).where(eq(sessions.id, sid))).toEqual([]);

    request.cookie = copy;
    expect(await currentActor()).toBeNull();
    expect(await thrown(requireActor)).toContain('NEXT_REDIRECT;replace;/sign-in');
    expect(await disableTokenAction({ tokenId: token.tokenId })).toEqual({ ok: false, message: SIGNED_OUT, fieldErrors: {} });
    const [stored] = await database.db
      .select({ status: platformTokens.status })
      .from(platformTokens)
      .where(eq(platformTokens.publicId, token.tokenId.slice('dt0s16.'.length)));
    expect(stored?.status).toBe('active');
  });

  it('a demoted admin’s next action and admin page are refused', async () => {
    await signIn('admin@example.com');
    const first = await createGroupAction({ accountId: 'acme', name: 'Before demotion', description: '' });
    expect(first.ok).toBe(true);
    expect((await requireAccountAdmin('acme')).email).toBe('admin@example.com');

    await database.db
      .update(accountMembers)
      .set({ role: 'member' })
      .where(and(eq(accountMembers.accountId, 'acme'), eq(accountMembers.userId, demo.id('admin@example.com'))));
    expect(await createGroupAction({ accountId: 'acme', name: 'After demotion', description: '' })).toMatchObject({
      ok: false,
      message: 'This account does not exist or you are not one of its admins.',
    });
    expect(await database.db.select().from(groups).where(eq(groups.name, 'After demotion'))).toEqual([]);
    expect(await thrown(() => requireAccountAdmin('acme'))).toBe('NEXT_HTTP_ERROR_FALLBACK;404');
  });

  it('a removed member’s next action on the account and its admin page are refused', async () => {
    await signIn('bob@example.com');
    expect((await generateTokenAction(tokenFormFields({ name: 'Before removal' }))).ok).toBe(true);

    await database.db.delete(accountMembers).where(and(eq(accountMembers.accountId, 'acme'), eq(accountMembers.userId, demo.id('bob@example.com'))));
    const generated = await generateTokenAction(tokenFormFields({ name: 'After removal' }));
    expect(generated.ok).toBe(false);
    expect(await database.db.select().from(platformTokens).where(eq(platformTokens.name, 'After removal'))).toEqual([]);
    expect((await currentActor())?.memberships).toEqual([]);
    expect(await thrown(() => requireAccountAdmin('acme'))).toBe('NEXT_HTTP_ERROR_FALLBACK;404');
  });
});
