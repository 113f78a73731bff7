import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOneTimeCode } from '@/lib/auth/one-time-codes';
import { verifyPassword } from '@/lib/auth/password';
import { createSession, loadSessionActor } from '@/lib/auth/sessions';
import { loadActor } from '@/lib/auth/users';
import { invitations, passwordResets, users } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { acceptInvitationAsNewPerson, inviteUser } from '@/lib/people/invitations';
import { resetPassword } from '@/lib/people/password-reset';
import { actorByEmail } from '@/lib/testing/demo';
import { resolveSsoSignIn } from './sso';

const ORIGIN = 'https://tokens.example.com';
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

describe(`single sign-on: whom the provider's claims sign in (${testBackend})`, () => {
  it('signs a known person in by a verified email, whatever its case', async () => {
    const [alice] = await database.db.select({ id: users.id }).from(users).where(eq(users.email, 'alice@example.com'));
    expect(await resolveSsoSignIn(database.db, { email: 'Alice@Example.com', email_verified: true })).toEqual({ userId: alice!.id, email: 'alice@example.com' });
    // Some providers send the claim as a string.
    expect(await resolveSsoSignIn(database.db, { email: 'alice@example.com', email_verified: 'true' })).toEqual({ userId: alice!.id, email: 'alice@example.com' });
  });

  it('refuses an email the provider has not verified, even a known one, and claims without an email', async () => {
    for (const claims of [
      { email: 'alice@example.com', email_verified: false },
      { email: 'alice@example.com' },
      { email: 'alice@example.com', email_verified: 'false' },
      { email_verified: true },
      { email: 'not an email', email_verified: true },
      { email: ['alice@example.com'], email_verified: true },
    ]) {
      expect(await resolveSsoSignIn(database.db, claims)).toEqual({ refused: 'sso_unverified' });
    }
  });

  it('refuses an unknown email and creates nobody', async () => {
    const before = await database.db.select({ id: users.id }).from(users);
    expect(await resolveSsoSignIn(database.db, { email: 'stranger@example.com', email_verified: true, name: 'Stranger' })).toEqual({ refused: 'sso_unknown' });
    expect(await database.db.select({ id: users.id }).from(users)).toHaveLength(before.length);
  });

  it('accepts a pending invitation: the person is created without a password, named by the provider, with the invited role', async () => {
    const admin = await actorByEmail(database.db, 'admin@example.com');
    const sent = await inviteUser(database.db, admin, { accountId: 'acme', email: 'grace@example.com', role: 'admin' }, ORIGIN);
    const resolved = await resolveSsoSignIn(database.db, { email: 'grace@example.com', email_verified: true, name: '  Grace Hopper ' });
    expect(resolved).toMatchObject({ email: 'grace@example.com' });
    const userId = (resolved as { userId: string }).userId;
    const [grace] = await database.db.select().from(users).where(eq(users.id, userId));
    expect(grace).toMatchObject({ name: 'Grace Hopper', passwordHash: null });
    expect((await loadActor(database.db, userId))!.memberships).toEqual([expect.objectContaining({ accountId: 'acme', role: 'admin' })]);
    const [invitation] = await database.db.select().from(invitations).where(eq(invitations.id, sent.invitationId));
    expect(invitation!.acceptedAt).not.toBeNull();
    // Signing in again finds the same person.
    expect(await resolveSsoSignIn(database.db, { email: 'grace@example.com', email_verified: true })).toEqual({ userId, email: 'grace@example.com' });
  });

  it('ends a password chosen with an invitation link, and its sessions, at the first sign-in through the provider', async () => {
    const admin = await actorByEmail(database.db, 'admin@example.com');
    // Whoever holds the link (the inviting admin sees it too) chooses the password, and signs in with it.
    const invite = async (email: string) => {
      const sent = await inviteUser(database.db, admin, { accountId: 'acme', email, role: 'member' }, ORIGIN);
      const code = sent.link.slice(sent.link.lastIndexOf('/') + 1);
      await acceptInvitationAsNewPerson(database.db, { code, name: 'Someone', password: 'chosen by the link holder', confirmPassword: 'chosen by the link holder' });
      const [person] = await database.db.select().from(users).where(eq(users.email, email));
      return { person: person!, session: await createSession(database.db, { userId: person!.id }) };
    };
    const { person: ivan, session } = await invite('ivan@example.com');
    expect(ivan.passwordUnproven).toBe(true);
    expect(await resolveSsoSignIn(database.db, { email: 'ivan@example.com', email_verified: true })).toEqual({ userId: ivan.id, email: 'ivan@example.com' });
    const [after] = await database.db.select().from(users).where(eq(users.id, ivan.id));
    expect(after).toMatchObject({ passwordHash: null, passwordUnproven: false });
    expect(await loadSessionActor(database.db, session)).toBeNull();
    // Once proven, later sign-ins change nothing: a session made now stays.
    const next = await createSession(database.db, { userId: ivan.id });
    await resolveSsoSignIn(database.db, { email: 'ivan@example.com', email_verified: true });
    expect((await loadSessionActor(database.db, next))?.userId).toBe(ivan.id);

    // A password set again from a reset link, which only the email's owner gets, is proven and stays.
    const { person: judy } = await invite('judy@example.com');
    const reset = newOneTimeCode();
    await database.db.insert(passwordResets).values({ userId: judy.id, codeHash: reset.codeHash, expiresAt: sql`now() + interval '1 hour'` });
    await resetPassword(database.db, { code: reset.code, password: 'the owner chose this', confirmPassword: 'the owner chose this' });
    await resolveSsoSignIn(database.db, { email: 'judy@example.com', email_verified: true });
    const [kept] = await database.db.select().from(users).where(eq(users.id, judy.id));
    expect(await verifyPassword('the owner chose this', kept!.passwordHash!)).toBe(true);
    // A password set otherwise (setup, the seed, the admin command) is not touched.
    const [alice] = await database.db.select().from(users).where(eq(users.email, 'alice@example.com'));
    await resolveSsoSignIn(database.db, { email: 'alice@example.com', email_verified: true });
    expect((await database.db.select().from(users).where(eq(users.id, alice!.id)))[0]!.passwordHash).toBe(alice!.passwordHash);
  });

  it('does not accept a revoked or expired invitation', async () => {
    const admin = await actorByEmail(database.db, 'admin@example.com');
    const sent = await inviteUser(database.db, admin, { accountId: 'acme', email: 'heidi@example.com', role: 'member' }, ORIGIN);
    await database.db.update(invitations).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(invitations.id, sent.invitationId));
    expect(await resolveSsoSignIn(database.db, { email: 'heidi@example.com', email_verified: true })).toEqual({ refused: 'sso_unknown' });
    expect(await database.db.select().from(users).where(eq(users.email, 'heidi@example.com'))).toHaveLength(0);
  });
});
