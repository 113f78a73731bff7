import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '@/lib/auth/password';
import { createSession, loadSessionActor } from '@/lib/auth/sessions';
import { loadActor } from '@/lib/auth/users';
import { accountMembers, auditEvents, emailMessages, groupMembers, groups, invitations, platformTokens, users } from '@/lib/db/schema';
import { openDatabase } from '@/lib/db/client';
import { addEnvironment } from '@/lib/accounts/environments';
import { createTestDatabase, testBackend, testPostgresOptions, type TestDatabase } from '@/lib/db/testing';
import { AppError, ConflictError, ValidationError } from '@/lib/errors';
import { createTestPlatform, grantTestPolicy, insertTestToken, platformRequest } from '@/lib/platform/testing';
import { actorByEmail } from '@/lib/testing/demo';
import { newMember, queuedBehindMembership } from '@/lib/tokens/test-support';
import { acceptInvitationAsNewPerson, INVITATION_MESSAGES, inviteUser, joinWithInvitation, resendInvitation, revokeInvitation, viewInvitation } from './invitations';
import { changeRole, listAccountUsers, removalPreview, removeMember } from './members';
import { LINK_PLACEHOLDER } from './portal-email';

const ORIGIN = 'https://tokens.example.com';
const PASSWORD = 'a calm river at dawn';
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const codeOf = (link: string) => link.slice(`${ORIGIN}/invitations/`.length);

describe(`invitations (${testBackend})`, () => {
  it('invite a new person with a role and groups; the link is shown once, emailed, and stored only as a hash', async () => {
    const admin = await actorByEmail(database.db, 'admin@example.com');
    const [developers] = await database.db.select().from(groups).where(eq(groups.name, 'Developers'));
    const sent = await inviteUser(database.db, admin, { accountId: 'acme', email: 'Carol@Example.com', role: 'member', groupIds: [developers!.id] }, ORIGIN);
    expect(sent.link).toMatch(/^https:\/\/tokens\.example\.com\/invitations\/[A-Za-z0-9_-]{43}$/);
    expect(sent.delivery).toBeNull();
    const code = codeOf(sent.link);

    // Nothing stored can give the link away: not the invitation, not the outbox, not the audit log.
    const stored = JSON.stringify([
      await database.db.select().from(invitations),
      await database.db.select().from(emailMessages),
      await database.db.select().from(auditEvents),
    ]);
    expect(stored).not.toContain(code);
    const [mail] = await database.db.select().from(emailMessages).where(eq(emailMessages.to, ['carol@example.com']));
    expect(mail).toMatchObject({ status: 'stored', environmentId: null, tokenId: null, ownerUserId: admin.userId, subject: 'You are invited to Acme Corp' });
    expect(mail!.body).toContain(LINK_PLACEHOLDER);

    expect((await listAccountUsers(database.db, admin, 'acme')).find((u) => u.email === 'carol@example.com')).toMatchObject({ status: 'Invited', role: 'member' });
    expect(await viewInvitation(database.db, code)).toEqual({ state: 'pending', accountName: 'Acme Corp', email: 'carol@example.com', role: 'member', personExists: false });

    // Accepting: a name and a password (the same rules as everywhere).
    const weak = await refusal(acceptInvitationAsNewPerson(database.db, { code, name: 'Carol', password: 'password1234', confirmPassword: 'password1234' }));
    expect(weak.fieldErrors).toEqual({ password: 'This password is too easy to guess. Choose another one.' });
    expect(await acceptInvitationAsNewPerson(database.db, { code, name: 'Carol', password: PASSWORD, confirmPassword: PASSWORD })).toEqual({
      email: 'carol@example.com',
      accountId: 'acme',
    });
    const [carol] = await database.db.select().from(users).where(eq(users.email, 'carol@example.com'));
    expect(await verifyPassword(PASSWORD, carol!.passwordHash!)).toBe(true);
    expect(await loadActor(database.db, carol!.id)).toMatchObject({ memberships: [{ accountId: 'acme', role: 'member' }] });
    expect(await database.db.select().from(groupMembers).where(eq(groupMembers.userId, carol!.id))).toMatchObject([{ groupId: developers!.id }]);

    // Once only.
    expect(await viewInvitation(database.db, code)).toEqual({ state: 'accepted' });
    const again = await refusal(acceptInvitationAsNewPerson(database.db, { code, name: 'Mallory', password: PASSWORD, confirmPassword: PASSWORD }));
    expect(again.fieldErrors).toEqual({ code: INVITATION_MESSAGES.accepted });
    expect(await viewInvitation(database.db, 'not-a-code')).toEqual({ state: 'unknown' });
    const actions = (await database.db.select().from(auditEvents).where(eq(auditEvents.targetName, 'carol@example.com'))).map((e) => e.action);
    expect(actions).toEqual(['invitation.created', 'invitation.accepted']);
  });

  it('refuses members and pending invitations; resend replaces the link; revoked and expired links say so', async () => {
    const admin = await actorByEmail(database.db, 'admin@example.com');
    const member = await refusal(inviteUser(database.db, admin, { accountId: 'acme', email: 'bob@example.com', role: 'member' }, ORIGIN));
    expect(member.fieldErrors).toEqual({ email: 'bob@example.com is already a member of this account.' });
    const alice = await actorByEmail(database.db, 'alice@example.com');
    await refusal(inviteUser(database.db, alice, { accountId: 'acme', email: 'x@example.com', role: 'admin' }, ORIGIN));
    const [globexGroup] = await database.db.select().from(groups).where(eq(groups.accountId, 'globex'));
    const foreign = await refusal(inviteUser(database.db, admin, { accountId: 'acme', email: 'dan@example.com', role: 'member', groupIds: [globexGroup!.id] }, ORIGIN));
    expect(foreign.fieldErrors).toEqual({ groupIds: 'Choose groups of this account.' });

    const first = await inviteUser(database.db, admin, { accountId: 'acme', email: 'dan@example.com', role: 'admin' }, ORIGIN);
    const twice = await refusal(inviteUser(database.db, admin, { accountId: 'acme', email: 'dan@example.com', role: 'member' }, ORIGIN));
    expect(twice.fieldErrors.email).toContain('has a pending invitation');
    const resent = await resendInvitation(database.db, admin, { accountId: 'acme', invitationId: first.invitationId }, ORIGIN);
    expect(resent.link).not.toBe(first.link);
    expect((await viewInvitation(database.db, codeOf(first.link))).state).toBe('revoked');
    expect((await viewInvitation(database.db, codeOf(resent.link))).state).toBe('pending');
    await revokeInvitation(database.db, admin, { accountId: 'acme', invitationId: resent.invitationId });
    expect(await viewInvitation(database.db, codeOf(resent.link))).toEqual({ state: 'revoked' });
    const revoked = await refusal(acceptInvitationAsNewPerson(database.db, { code: codeOf(resent.link), name: 'Dan', password: PASSWORD, confirmPassword: PASSWORD }));
    expect(revoked.fieldErrors).toEqual({ code: INVITATION_MESSAGES.revoked });

    const late = await inviteUser(database.db, admin, { accountId: 'acme', email: 'erin@example.com', role: 'member' }, ORIGIN);
    await database.db.update(invitations).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(invitations.id, late.invitationId));
    expect(await viewInvitation(database.db, codeOf(late.link))).toEqual({ state: 'expired' });
    expect((await listAccountUsers(database.db, admin, 'acme')).find((u) => u.email === 'erin@example.com')?.status).toBe('Invitation expired');
    const expired = await refusal(acceptInvitationAsNewPerson(database.db, { code: codeOf(late.link), name: 'Erin', password: PASSWORD, confirmPassword: PASSWORD }));
    expect(expired.fieldErrors).toEqual({ code: INVITATION_MESSAGES.expired });
    // An expired invitation makes way for a new one.
    await inviteUser(database.db, admin, { accountId: 'acme', email: 'erin@example.com', role: 'member' }, ORIGIN);
  });

  it('sends one invitation when the same email is invited by concurrent requests; the others are told it is pending', async () => {
    const admin = await actorByEmail(database.db, 'admin@example.com');
    // On PostgreSQL through a pool of several connections, so that the requests really overlap.
    const wide = testBackend === 'postgres' ? await openDatabase(testPostgresOptions(database.url!, 5)) : null;
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => inviteUser(wide?.db ?? database.db, admin, { accountId: 'acme', email: 'gina@example.com', role: 'member' }, ORIGIN)),
    ).finally(() => wide?.close());
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') {
        expect(r.reason).toBeInstanceOf(ValidationError);
        expect((r.reason as ValidationError).fieldErrors).toEqual({ email: 'gina@example.com has a pending invitation. Resend it from the list instead.' });
      }
    }
  });

  it('lets someone who can sign in join with an invitation made out to their email only', async () => {
    const admin = await actorByEmail(database.db, 'admin@example.com');
    const sent = await inviteUser(database.db, admin, { accountId: 'globex', email: 'bob@example.com', role: 'member' }, ORIGIN);
    expect(await viewInvitation(database.db, codeOf(sent.link))).toMatchObject({ state: 'pending', personExists: true });
    const alice = await actorByEmail(database.db, 'alice@example.com');
    const wrongPerson = await refusal(joinWithInvitation(database.db, alice, { code: codeOf(sent.link) }));
    expect(wrongPerson.message).toBe('This invitation is for bob@example.com. Sign in as that person to accept it.');
    const newPerson = await refusal(acceptInvitationAsNewPerson(database.db, { code: codeOf(sent.link), name: 'Not Bob', password: PASSWORD, confirmPassword: PASSWORD }));
    expect(newPerson).toBeInstanceOf(ConflictError);
    const bob = await actorByEmail(database.db, 'bob@example.com');
    expect(await joinWithInvitation(database.db, bob, { code: codeOf(sent.link) })).toEqual({ accountId: 'globex' });
    expect((await actorByEmail(database.db, 'bob@example.com')).memberships.map((m) => m.accountId)).toEqual(['acme', 'globex']);
  });
});

describe(`roles and removal (${testBackend})`, () => {
  it('changes a role; the last admin can be neither demoted nor removed, also by concurrent requests', async () => {
    // A database of its own: whichever concurrent request wins (a removal among them) leaves the
    // account as the tests after this one must not find it.
    const own = await createTestDatabase();
    const db = own.db;
    try {
      const admin = await actorByEmail(db, 'admin@example.com');
      const bob = await actorByEmail(db, 'bob@example.com');
      const last = await refusal(changeRole(db, admin, { accountId: 'acme', userId: admin.userId, role: 'member' }));
      expect(last.message).toBe('admin@example.com is the last admin of this account and cannot be demoted. Make someone else an account admin first.');
      const removeLast = await refusal(removeMember(db, admin, { accountId: 'acme', userId: admin.userId }));
      expect(removeLast.message).toContain('cannot be removed');

      await changeRole(db, admin, { accountId: 'acme', userId: bob.userId, role: 'admin' });
      const bobNow = await actorByEmail(db, 'bob@example.com');
      // Two admins demote each other (and themselves) at once: one of them stays an admin.
      const results = await Promise.allSettled([
        changeRole(db, admin, { accountId: 'acme', userId: bobNow.userId, role: 'member' }),
        changeRole(db, bobNow, { accountId: 'acme', userId: admin.userId, role: 'member' }),
        removeMember(db, bobNow, { accountId: 'acme', userId: admin.userId }),
        changeRole(db, admin, { accountId: 'acme', userId: admin.userId, role: 'member' }),
      ]);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(AppError);
      const admins = await db.select().from(accountMembers).where(eq(accountMembers.accountId, 'acme'));
      expect(admins.filter((m) => m.role === 'admin')).toHaveLength(1);
    } finally {
      await own.close();
    }
  });

  it('removes a member: their tokens in the account are disabled and stop working, their session sees nothing of it', async () => {
    const admin = await actorByEmail(database.db, 'admin@example.com');
    const [invited] = await Promise.all([inviteUser(database.db, admin, { accountId: 'acme', email: 'frank@example.com', role: 'member' }, ORIGIN)]);
    await acceptInvitationAsNewPerson(database.db, { code: codeOf(invited!.link), name: 'Frank', password: PASSWORD, confirmPassword: PASSWORD });
    const frank = await actorByEmail(database.db, 'frank@example.com');
    await grantTestPolicy(database.db, 'acme', 'frank@example.com', 'ALLOW document:documents:read;');
    const own = await insertTestToken(database.db, { owner: 'frank@example.com', environmentIds: ['acme-prod'] });
    const forBot = await insertTestToken(database.db, { owner: 'ci-bot@service.example.com', creator: 'frank@example.com', environmentIds: ['acme-prod'] });
    const session = await createSession(database.db, { userId: frank.userId });
    const platform = createTestPlatform(database.db);
    try {
      expect((await platform.handle(platformRequest('acme-prod', '/document/v1/documents', { token: own.token }))).status).toBe(200);
      expect(await removalPreview(database.db, admin, { accountId: 'acme', userId: frank.userId })).toEqual({
        email: 'frank@example.com',
        tokens: [own, forBot].map((t) => ({ tokenId: t.tokenId, name: t.name })).sort((a, b) => a.name.localeCompare(b.name)),
      });
      const removed = await removeMember(database.db, admin, { accountId: 'acme', userId: frank.userId });
      expect(removed).toEqual({ email: 'frank@example.com', disabledTokenIds: [own.tokenId, forBot.tokenId].sort(), signedOut: true });
      expect((await platform.handle(platformRequest('acme-prod', '/document/v1/documents', { token: own.token }))).status).toBe(401);
      expect((await platform.handle(platformRequest('acme-prod', '/document/v1/documents', { token: forBot.token }))).status).toBe(401);
    } finally {
      platform.unsubscribe();
    }
    expect(await loadSessionActor(database.db, session)).toBeNull();
    const statuses = await database.db.select({ status: platformTokens.status }).from(platformTokens).where(eq(platformTokens.createdById, frank.userId));
    expect(statuses.map((s) => s.status)).toEqual(['disabled', 'disabled']);
    const [event] = await database.db.select().from(auditEvents).where(eq(auditEvents.action, 'member.removed'));
    expect(event).toMatchObject({ accountId: 'acme', targetName: 'frank@example.com', details: { tokenIds: [own.tokenId, forBot.tokenId].sort() } });
  });

  // PGlite runs one transaction at a time, so only a real server can interleave them.
  it.skipIf(testBackend !== 'postgres')('removes an admin while a change of theirs is under way, one after the other', async () => {
    const grace = await newMember(database.db, 'acme', 'grace@example.com', 'admin');
    const admin = await actorByEmail(database.db, 'admin@example.com');
    // What a token generation of hers in another tab holds: her membership row. Her new
    // environment and her removal queue behind it; once it is released, writing the environment
    // and its audit event takes a key share lock on the account row, which the removal has
    // locked by then.
    const [adding, removing] = await queuedBehindMembership(
      database.url!,
      { accountId: 'acme', userId: grace.userId, lock: 'update' },
      () => addEnvironment(database.db, grace, { accountId: 'acme', name: 'Grace’s', environmentId: 'acme-grace' }),
      () => removeMember(database.db, admin, { accountId: 'acme', userId: grace.userId }),
    );
    expect(adding).toEqual({ ok: true, value: { id: 'acme-grace', name: 'Grace’s' } });
    expect(removing).toMatchObject({ ok: true, value: { email: 'grace@example.com' } });
  });
});
