// Rule 8 as the token operations apply it: who may act on a token is decided now, under the locks
// of the change, not when the token was made.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountMembers, accounts, groupMembers, groups, platformTokens } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';
import { addGroupMember, removeGroupMember } from '@/lib/iam/group-operations';
import { changeRole, removeMember } from '@/lib/people/members';
import { createTestPlatform, platformRequest } from '@/lib/platform/testing';
import { actorByEmail, demoIdentities, type DemoIdentities } from '@/lib/testing/demo';
import { rotateTokenSchema } from '@/lib/validations/rotation';
import { bulkTokenAction } from './bulk';
import { findTokenToDuplicate } from './form-prefill';
import { generatePlatformToken } from './generate';
import { deleteToken, disableToken, enableToken } from './lifecycle';
import { listMyTokens } from './list';
import { rotateToken } from './rotate';
import { attemptDuringChange, newMember, queuedBehindMembership, tokenInput } from './test-support';

const NOW = new Date('2026-03-10T09:00:00Z');
const CI_BOT = 'ci-bot@service.example.com';

describe(`who may act on a token, decided now (${testBackend})`, () => {
  let database: TestDatabase;
  let demo: DemoIdentities;
  let platform: ReturnType<typeof createTestPlatform>;

  beforeAll(async () => {
    database = await createTestDatabase();
    demo = await demoIdentities(database.db);
    platform = createTestPlatform(database.db, { now: () => NOW });
  });
  afterAll(async () => {
    platform.unsubscribe();
    await database.close();
  });

  const alice = () => demo.actor('alice@example.com');
  const admin = () => demo.actor('admin@example.com');
  const rowOf = async (tokenId: string) =>
    (await database.db.select().from(platformTokens).where(eq(platformTokens.publicId, tokenId.slice(7))))[0];
  const rotation = (tokenId: string) =>
    rotateTokenSchema.parse({ tokenId, expireOld: 'immediately', oldExpiresAt: '', name: 'Rotated', expiration: '30d', expiresAt: '' });
  const duplicate = (actor: ReturnType<typeof alice>, sourceTokenId: string) =>
    generatePlatformToken(database.db, actor, tokenInput({ name: 'Duplicate of: it' }), NOW, { sourceTokenId });
  const ciBotToken = (name: string) =>
    generatePlatformToken(
      database.db,
      alice(),
      tokenInput({ name, generateFor: 'service-user', serviceUserId: demo.id(`acme/${CI_BOT}`), scopes: ['document:documents:read'] }),
      NOW,
    );
  const listDocuments = async (token: string) =>
    (await platform.handle(platformRequest('acme-prod', '/document/v1/documents', { token }))).status;
  const refusal = async (work: Promise<unknown>) => work.then(() => null, (error: unknown) => error);
  const operatorsGroup = async () =>
    (await database.db.select({ id: groups.id }).from(groups).where(and(eq(groups.accountId, 'acme'), eq(groups.name, 'CI bot operators'))))[0]!.id;

  it("stops someone removed from a service user's policy from enabling, rotating or duplicating its tokens", async () => {
    const disabled = await ciBotToken('CI, disabled');
    const active = await ciBotToken('CI, active');
    expect(await listDocuments(disabled.token)).toBe(200);
    await disableToken(database.db, alice(), disabled.tokenId);
    expect(await listDocuments(disabled.token)).toBe(401);

    const groupId = await operatorsGroup();
    const member = `user:${alice().userId}`;
    await removeGroupMember(database.db, admin(), { accountId: 'acme', groupId, member });
    try {
      const enable = await refusal(enableToken(database.db, alice(), disabled.tokenId));
      expect(enable).toBeInstanceOf(ForbiddenError);
      expect((enable as Error).message).toBe(
        `You may not use ${CI_BOT} (no policy grants you iam:service-users:use for it), so you cannot enable its token ${disabled.tokenId}.`,
      );
      expect((await rowOf(disabled.tokenId))!.status).toBe('disabled');
      expect(await listDocuments(disabled.token)).toBe(401);

      const rotate = await refusal(rotateToken(database.db, alice(), rotation(active.tokenId), NOW));
      expect(rotate).toBeInstanceOf(ForbiddenError);
      expect((rotate as Error).message).toMatch(new RegExp(`^You may not use ${CI_BOT} .*so you cannot rotate its token`));
      expect((await rowOf(active.tokenId))!.rotatedAt).toBeNull();

      // Even as a token of one's own: the secret would be made from the service user's token.
      const copy = await refusal(duplicate(alice(), active.tokenId));
      expect(copy).toBeInstanceOf(ForbiddenError);
      expect((copy as Error).message).toMatch(/so you cannot duplicate its token/);
      expect(await findTokenToDuplicate(database.db, alice(), active.tokenId, NOW)).toEqual({
        ok: false,
        notFound: false,
        message: (copy as Error).message,
      });

      // Nothing that hands out a secret: disabling and deleting stay open.
      await disableToken(database.db, alice(), active.tokenId);
      await deleteToken(database.db, alice(), active.tokenId);
      expect(await rowOf(active.tokenId)).toBeUndefined();
    } finally {
      await addGroupMember(database.db, admin(), { accountId: 'acme', groupId, member });
    }
    expect(await enableToken(database.db, alice(), disabled.tokenId)).toMatchObject({ changed: true });
    expect(await listDocuments(disabled.token)).toBe(200);
    await deleteToken(database.db, alice(), disabled.tokenId);
  });

  it("lets any admin enable a service user's token, one by one or in bulk, without the right to use it", async () => {
    const token = await ciBotToken('CI, for the admins');
    await disableToken(database.db, alice(), token.tokenId);
    // Bob, promoted, is an admin whom no policy lets use the CI bot.
    const bob = demo.actor('bob@example.com');
    await database.db.update(accountMembers).set({ role: 'admin' }).where(and(eq(accountMembers.accountId, 'acme'), eq(accountMembers.userId, bob.userId)));
    try {
      expect(await enableToken(database.db, bob, token.tokenId)).toMatchObject({ changed: true });
      await disableToken(database.db, bob, token.tokenId);
      const bulk = await bulkTokenAction(database.db, await actorByEmail(database.db, bob.email), 'acme', 'enable', { kind: 'ids', tokenIds: [token.tokenId] }, NOW);
      expect(bulk).toMatchObject({ changed: 1 });
      expect((await rowOf(token.tokenId))!.status).toBe('active');
      // Rotating would hand Bob a secret of the CI bot, and he did not make the token.
      expect(await refusal(rotateToken(database.db, bob, rotation(token.tokenId), NOW))).toBeInstanceOf(ForbiddenError);
    } finally {
      await database.db.update(accountMembers).set({ role: 'member' }).where(and(eq(accountMembers.accountId, 'acme'), eq(accountMembers.userId, bob.userId)));
    }
    await deleteToken(database.db, alice(), token.tokenId);
  });

  it("lets an admin disable, enable and delete someone's token, but not rotate or duplicate it", async () => {
    const bob = demo.actor('bob@example.com');
    const token = await generatePlatformToken(database.db, bob, tokenInput({ name: "Bob's" }), NOW);
    await disableToken(database.db, admin(), token.tokenId);
    await enableToken(database.db, admin(), token.tokenId);

    const rotate = await refusal(rotateToken(database.db, admin(), rotation(token.tokenId), NOW));
    expect(rotate).toBeInstanceOf(ForbiddenError);
    expect((rotate as Error).message).toBe(
      `Only the person who generated ${token.tokenId} can rotate it: that hands out a new secret acting as its owner. As an admin you can disable or delete it.`,
    );
    expect((await rowOf(token.tokenId))!).toMatchObject({ rotatedAt: null, rotatedToId: null, status: 'active' });
    expect(await refusal(duplicate(admin(), token.tokenId))).toBeInstanceOf(ForbiddenError);
    expect(await findTokenToDuplicate(database.db, admin(), token.tokenId, NOW)).toMatchObject({ ok: false, notFound: false });
    expect(await findTokenToDuplicate(database.db, bob, token.tokenId, NOW)).toMatchObject({ ok: true, token: { name: "Bob's" } });

    await deleteToken(database.db, admin(), token.tokenId);
    expect(await rowOf(token.tokenId)).toBeUndefined();
  });

  it('stops someone removed from the account from seeing or acting on the tokens they made there', async () => {
    const token = await generatePlatformToken(
      database.db,
      alice(),
      tokenInput({ name: 'In Globex', accountId: 'globex', environmentIds: ['globex-prod'] }),
      NOW,
    );
    const other = await generatePlatformToken(
      database.db,
      alice(),
      tokenInput({ name: 'In Globex, disabled', accountId: 'globex', environmentIds: ['globex-prod'] }),
      NOW,
    );
    await disableToken(database.db, alice(), other.tokenId);
    const membership = and(eq(accountMembers.accountId, 'globex'), eq(accountMembers.userId, alice().userId));
    await database.db.delete(accountMembers).where(membership);
    try {
      const attempts: [string, () => Promise<unknown>][] = [
        ['disable', () => disableToken(database.db, alice(), token.tokenId)],
        ['enable', () => enableToken(database.db, alice(), other.tokenId)],
        ['delete', () => deleteToken(database.db, alice(), token.tokenId)],
        ['rotate', () => rotateToken(database.db, alice(), rotation(token.tokenId), NOW)],
        ['duplicate', () => duplicate(alice(), token.tokenId)],
      ];
      for (const [label, attempt] of attempts) {
        const error = await refusal(attempt());
        expect(error, label).toBeInstanceOf(NotFoundError);
      }
      expect(await findTokenToDuplicate(database.db, alice(), token.tokenId, NOW)).toMatchObject({ ok: false, notFound: true });
      expect((await listMyTokens(database.db, alice().userId, NOW)).map((t) => t.accountId)).not.toContain('globex');
      expect(await rowOf(token.tokenId)).toMatchObject({ status: 'active', rotatedAt: null });
      expect((await rowOf(other.tokenId))!.status).toBe('disabled');
    } finally {
      await database.db.insert(accountMembers).values({ accountId: 'globex', userId: alice().userId, role: 'member' });
    }
    await deleteToken(database.db, alice(), token.tokenId);
    await deleteToken(database.db, alice(), other.tokenId);
  });

  // PGlite runs one transaction at a time, so only a real server can interleave them.
  describe.skipIf(testBackend !== 'postgres')('with a concurrent change', () => {
    it('sees a removal from the account that commits while the action waits for it', async () => {
      const token = await generatePlatformToken(database.db, alice(), tokenInput({ name: 'Racing a removal' }), NOW);
      const membership = and(eq(accountMembers.accountId, 'acme'), eq(accountMembers.userId, alice().userId));
      try {
        const { outcome, waited } = await attemptDuringChange(
          database.db,
          (tx) => tx.delete(accountMembers).where(membership),
          () => disableToken(database.db, alice(), token.tokenId),
        );
        expect(outcome).toMatchObject({ ok: false, error: expect.any(NotFoundError) });
        expect(waited).toBe(true);
        expect((await rowOf(token.tokenId))!.status).toBe('active');
      } finally {
        await database.db.insert(accountMembers).values({ accountId: 'acme', userId: alice().userId, role: 'member' }).onConflictDoNothing();
      }
      await deleteToken(database.db, alice(), token.tokenId);
    });

    it("sees a removal from the service user's policy that commits while enabling waits for it", async () => {
      const token = await ciBotToken('CI, racing a removal');
      await disableToken(database.db, alice(), token.tokenId);
      const groupId = await operatorsGroup();
      const membership = and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, alice().userId));
      try {
        const { outcome } = await attemptDuringChange(
          database.db,
          // What removeGroupMember does: the group locked, then the membership gone.
          async (tx) => {
            await tx.select({ id: groups.id }).from(groups).where(eq(groups.id, groupId)).for('update');
            await tx.delete(groupMembers).where(membership);
          },
          () => enableToken(database.db, alice(), token.tokenId),
        );
        expect(outcome).toMatchObject({ ok: false, error: expect.any(ForbiddenError) });
        expect((await rowOf(token.tokenId))!.status).toBe('disabled');
      } finally {
        await database.db.insert(groupMembers).values({ groupId, userId: alice().userId }).onConflictDoNothing();
      }
      await deleteToken(database.db, alice(), token.tokenId);
    });

    it('sees "Allow to manage platform tokens" turned off while enabling, rotating or generating waits for it', async () => {
      const disabled = await generatePlatformToken(database.db, alice(), tokenInput({ name: 'Racing the switch' }), NOW);
      const active = await generatePlatformToken(database.db, alice(), tokenInput({ name: 'Racing the switch, active' }), NOW);
      await disableToken(database.db, alice(), disabled.tokenId);
      const turnOff = (tx: Parameters<Parameters<typeof database.db.transaction>[0]>[0]) =>
        tx.update(accounts).set({ allowTokenManagement: false }).where(eq(accounts.id, 'acme'));
      try {
        const enabling = await attemptDuringChange(database.db, turnOff, () => enableToken(database.db, alice(), disabled.tokenId));
        expect(enabling.outcome).toMatchObject({ ok: false, error: expect.any(ForbiddenError) });
        expect((await rowOf(disabled.tokenId))!.status).toBe('disabled');

        await database.db.update(accounts).set({ allowTokenManagement: true }).where(eq(accounts.id, 'acme'));
        const rotating = await attemptDuringChange(database.db, turnOff, () => rotateToken(database.db, alice(), rotation(active.tokenId), NOW));
        expect(rotating.outcome).toMatchObject({ ok: false, error: expect.any(ValidationError) });
        expect((await rowOf(active.tokenId))!.rotatedAt).toBeNull();

        await database.db.update(accounts).set({ allowTokenManagement: true }).where(eq(accounts.id, 'acme'));
        const generating = await attemptDuringChange(database.db, turnOff, () =>
          generatePlatformToken(database.db, alice(), tokenInput({ name: 'Racing the switch, new' }), NOW),
        );
        expect(generating.outcome).toMatchObject({ ok: false, error: expect.any(ValidationError) });
      } finally {
        await database.db.update(accounts).set({ allowTokenManagement: true }).where(eq(accounts.id, 'acme'));
      }
    });

    // A token action and a change of who is a member lock the same two rows, the account's and the
    // person's membership; another transaction holding the membership row first makes both queue
    // so that each would hold one of the two while waiting for the other, unless they take them in
    // one order.
    it('a generation and the removal of the person generating both finish, one after the other', async () => {
      const carol = await newMember(database.db, 'acme', 'carol@example.com');
      const acmeAdmin = await actorByEmail(database.db, 'admin@example.com');
      // What a token action of hers in another tab holds.
      const [generated, removing] = await queuedBehindMembership(
        database.url!,
        { accountId: 'acme', userId: carol.userId, lock: 'share' },
        () => generatePlatformToken(database.db, carol, tokenInput({ name: 'Racing a removal' }), NOW),
        () => removeMember(database.db, acmeAdmin, { accountId: 'acme', userId: carol.userId }),
      );
      expect(generated).toMatchObject({ ok: true });
      // The removal went second and disabled the token generated just before.
      expect(removing).toMatchObject({ ok: true, value: { disabledTokenIds: [generated.ok && generated.value.tokenId] } });
    });

    it('disabling a token and a change of its maker’s role both finish, one after the other', async () => {
      const dave = await newMember(database.db, 'acme', 'dave@example.com');
      const acmeAdmin = await actorByEmail(database.db, 'admin@example.com');
      const token = await generatePlatformToken(database.db, dave, tokenInput({ name: 'Racing a promotion' }), NOW);
      // What a generation of his in another tab holds.
      const [disabling, promoting] = await queuedBehindMembership(
        database.url!,
        { accountId: 'acme', userId: dave.userId, lock: 'update' },
        () => disableToken(database.db, dave, token.tokenId),
        () => changeRole(database.db, acmeAdmin, { accountId: 'acme', userId: dave.userId, role: 'admin' }),
      );
      expect(disabling).toMatchObject({ ok: true });
      expect(promoting).toMatchObject({ ok: true, value: { role: 'admin' } });
      expect((await rowOf(token.tokenId))!.status).toBe('disabled');
    });
  });
});
