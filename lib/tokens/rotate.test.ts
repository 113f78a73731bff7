import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onChanges, type Change } from '@/lib/changes';
import { accounts, auditEvents, environments, platformTokenEnvironments, platformTokens } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';
import { demoIdentities, type DemoIdentities } from '@/lib/testing/demo';
import { rotateTokenSchema, type RotateTokenInput } from '@/lib/validations/rotation';
import { hashToken } from './format';
import { generatePlatformToken } from './generate';
import { disableToken } from './lifecycle';
import { TOKEN_LIMIT } from './limits';
import { rotateToken } from './rotate';
import { tokenState } from './status';
import { attemptDuringChange, newMember, tokenInput } from './test-support';

const NOW = new Date('2026-05-31T21:00:00Z');
const HOUR = 60 * 60 * 1000;

describe(`rotating tokens (${testBackend})`, () => {
  let database: TestDatabase;
  let demo: DemoIdentities;

  beforeAll(async () => {
    database = await createTestDatabase();
    demo = await demoIdentities(database.db);
  });
  afterAll(() => database.close());

  const alice = () => demo.actor('alice@example.com');
  const rotation = (tokenId: string, overrides: Partial<RotateTokenInput> = {}) =>
    rotateTokenSchema.parse({
      tokenId,
      expireOld: 'later',
      oldExpiresAt: new Date(NOW.getTime() + 6 * HOUR).toISOString(),
      name: 'Rotated 31.05.2026',
      expiration: '90d',
      expiresAt: '',
      ...overrides,
    });
  const rowOf = async (tokenId: string) =>
    (await database.db.select().from(platformTokens).where(eq(platformTokens.publicId, tokenId.slice(7))))[0]!;
  const reachOf = async (id: string) =>
    (await database.db.select().from(platformTokenEnvironments).where(eq(platformTokenEnvironments.tokenId, id))).map((r) => r.environmentId).sort();

  it('generates a successor with the same account, reach, owner and scopes, linked both ways', async () => {
    const ciBot = demo.id('acme/ci-bot@service.example.com');
    const old = await generatePlatformToken(
      database.db,
      alice(),
      tokenInput({
        name: 'Deploy',
        generateFor: 'service-user',
        serviceUserId: ciBot,
        environmentIds: ['acme-prod', 'acme-staging'],
        scopes: ['document:documents:read', 'document:documents:write'],
        expiration: '30d',
      }),
      new Date(NOW.getTime() - 10 * 24 * HOUR),
    );
    const seen: Change[] = [];
    const stop = onChanges((c) => seen.push(...c));
    const result = await rotateToken(database.db, alice(), rotation(old.tokenId), NOW);
    stop();

    const before = await rowOf(old.tokenId);
    const after = await rowOf(result.tokenId);
    expect(after).toMatchObject({
      accountId: 'acme',
      ownerServiceUserId: ciBot,
      ownerUserId: null,
      createdById: alice().userId,
      appliesToAccount: false,
      status: 'active',
      name: 'Rotated 31.05.2026',
      rotatedFromId: before.id,
      rotatedToId: null,
      rotatedAt: null,
      secretHash: hashToken(result.token),
    });
    expect(after.scopes.sort()).toEqual(['document:documents:read', 'document:documents:write']);
    expect(after.expiresAt?.toISOString()).toBe('2026-08-29T21:00:00.000Z');
    expect(await reachOf(after.id)).toEqual(['acme-prod', 'acme-staging']);
    expect(before).toMatchObject({ rotatedToId: after.id, rotatedAt: NOW, status: 'active' });
    expect(before.expiresAt?.toISOString()).toBe('2026-06-01T03:00:00.000Z');
    expect(result).toMatchObject({ oldTokenId: old.tokenId, oldExpiresAt: '2026-06-01T03:00:00.000Z', accountName: 'Acme Corp' });
    expect(tokenState(before, NOW)).toBe('Active');
    expect(tokenState(before, new Date(NOW.getTime() + 6 * HOUR))).toBe('Expired');

    expect(seen).toEqual([
      { kind: 'token', publicId: old.tokenId.slice(7) },
      { kind: 'token', publicId: result.tokenId.slice(7) },
    ]);
    const events = await database.db.select().from(auditEvents).where(eq(auditEvents.action, 'token.rotated'));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ tokenId: old.tokenId, details: { rotatedTo: result.tokenId, expireOld: 'later' } });
    expect(JSON.stringify(await database.db.select().from(auditEvents))).not.toContain(result.token.slice(32));
  });

  it('stops the old token at once with "Immediately", and refuses to rotate it again, naming the successor', async () => {
    const old = await generatePlatformToken(database.db, alice(), tokenInput({ name: 'Leaked', expiration: 'never' }), NOW);
    const result = await rotateToken(database.db, alice(), rotation(old.tokenId, { expireOld: 'immediately', expiration: 'never' }), NOW);
    const before = await rowOf(old.tokenId);
    expect(before.expiresAt).toEqual(NOW);
    expect(tokenState(before, NOW)).toBe('Expired');
    expect((await rowOf(result.tokenId)).expiresAt).toBeNull();

    await expect(rotateToken(database.db, alice(), rotation(old.tokenId), NOW)).rejects.toThrow(
      new ConflictError(`${old.tokenId} was already rotated to ${result.tokenId}; rotate that token instead.`),
    );
  });

  it('refuses to rotate a token whose environments were all deleted, rather than issue one that reaches nothing', async () => {
    const old = await generatePlatformToken(database.db, alice(), tokenInput({ name: 'Temporary', environmentIds: ['acme-staging'] }), NOW);
    const row = await rowOf(old.tokenId);
    // As deleting its one environment leaves it.
    await database.db.delete(platformTokenEnvironments).where(eq(platformTokenEnvironments.tokenId, row.id));
    await expect(rotateToken(database.db, alice(), rotation(old.tokenId), NOW)).rejects.toThrow(
      new ConflictError(`${old.tokenId} reaches no environment any more: its environments were deleted. Generate a new token for the environments it should reach.`),
    );
    expect((await rowOf(old.tokenId)).rotatedToId).toBeNull();
  });

  // PGlite runs one transaction at a time, so only a real server can interleave them.
  it.skipIf(testBackend !== 'postgres')('waits for an environment deleted during the rotation, and leaves it out', async () => {
    await database.db.insert(environments).values({ id: 'acme-rotating', accountId: 'acme', name: 'Rotating' });
    // Someone of their own, so that this takes no place in the others' ten.
    const rotator = await newMember(database.db, 'acme', 'rotator@example.com');
    const old = await generatePlatformToken(database.db, rotator, tokenInput({ name: 'Two places', environmentIds: ['acme-prod', 'acme-rotating'] }), NOW);
    const { outcome, waited } = await attemptDuringChange(
      database.db,
      (tx) => tx.delete(environments).where(eq(environments.id, 'acme-rotating')),
      () => rotateToken(database.db, rotator, rotation(old.tokenId, { expireOld: 'immediately' }), NOW),
    );
    expect(waited).toBe(true);
    expect(outcome.ok).toBe(true);
    expect(await reachOf((await rowOf((outcome as { value: { tokenId: string } }).value.tokenId)).id)).toEqual(['acme-prod']);
  });

  it('only rotates active tokens, and keeps "Old token expires at" within its bounds', async () => {
    const disabled = await generatePlatformToken(database.db, alice(), tokenInput({ name: 'Off' }), NOW);
    await disableToken(database.db, alice(), disabled.tokenId);
    await expect(rotateToken(database.db, alice(), rotation(disabled.tokenId), NOW)).rejects.toThrow(/is disabled/);

    const short = await generatePlatformToken(database.db, alice(), tokenInput({ name: 'Short', expiration: '7d' }), NOW);
    await expect(rotateToken(database.db, alice(), rotation(short.tokenId), new Date(NOW.getTime() + 8 * 24 * HOUR))).rejects.toThrow(
      /has expired/,
    );

    const tooLate = rotation(short.tokenId, { oldExpiresAt: new Date(NOW.getTime() + 8 * 24 * HOUR).toISOString() });
    const error = await rotateToken(database.db, alice(), tooLate, NOW).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(Object.keys((error as ValidationError).fieldErrors)).toEqual(['oldExpiresAt']);
    const past = rotation(short.tokenId, { oldExpiresAt: NOW.toISOString(), expiration: 'custom', expiresAt: NOW.toISOString() });
    const both = await rotateToken(database.db, alice(), past, NOW).catch((e: unknown) => e);
    expect(Object.keys((both as ValidationError).fieldErrors).sort()).toEqual(['expiresAt', 'oldExpiresAt']);
    expect((await rowOf(short.tokenId)).rotatedAt).toBeNull();
  });

  it('works at the limit of 10 with "Immediately"; with "Later" the old token holds its place until it expires', async () => {
    const bob = demo.actor('bob@example.com');
    const made = [];
    for (let i = 0; i < TOKEN_LIMIT; i++) {
      made.push(await generatePlatformToken(database.db, bob, tokenInput({ name: `Bob ${i}` }), NOW));
    }
    await expect(generatePlatformToken(database.db, bob, tokenInput(), NOW)).rejects.toBeInstanceOf(ConflictError);
    const later = await rotateToken(database.db, bob, rotation(made[0]!.tokenId), NOW).catch((e: unknown) => e);
    expect(later).toBeInstanceOf(ValidationError);
    expect((later as ValidationError).fieldErrors).toEqual({
      expireOld:
        'You already have 10 platform tokens in Acme Corp, the most allowed, and the old token would count until it expires. Choose "Immediately", or delete a token first.',
    });
    expect((await rowOf(made[0]!.tokenId)).rotatedAt).toBeNull();
    const rotated = await rotateToken(database.db, bob, rotation(made[0]!.tokenId, { expireOld: 'immediately' }), NOW);
    expect(rotated.tokenId).toMatch(/^dt0s16\./);
    await expect(generatePlatformToken(database.db, bob, tokenInput(), NOW)).rejects.toBeInstanceOf(ConflictError);
  });

  it('keeps "Old token expires at" within 7 days from now, in the form\'s schema and on the server', async () => {
    const old = await generatePlatformToken(database.db, alice(), tokenInput({ name: 'Long overlap', expiration: 'never' }), NOW);
    const week = NOW.getTime() + 7 * 24 * HOUR;
    const tooLong = await rotateToken(database.db, alice(), rotation(old.tokenId, { oldExpiresAt: new Date(week + 1).toISOString() }), NOW).catch(
      (e: unknown) => e,
    );
    expect(tooLong).toBeInstanceOf(ValidationError);
    expect((tooLong as ValidationError).fieldErrors).toEqual({ oldExpiresAt: '"Old token expires at" can be at most 7 days from now' });
    expect((await rowOf(old.tokenId)).rotatedAt).toBeNull();

    const parsed = rotateTokenSchema.safeParse({
      tokenId: old.tokenId,
      expireOld: 'later',
      oldExpiresAt: new Date(Date.now() + 8 * 24 * HOUR).toISOString(),
      name: 'Rotated',
      expiration: 'never',
      expiresAt: '',
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues).toEqual([
      expect.objectContaining({ path: ['oldExpiresAt'], message: '"Old token expires at" can be at most 7 days from now' }),
    ]);

    const result = await rotateToken(database.db, alice(), rotation(old.tokenId, { oldExpiresAt: new Date(week).toISOString() }), NOW);
    expect(result.oldExpiresAt).toBe(new Date(week).toISOString());
  });

  it("hides other people's tokens and respects the admin toggle", async () => {
    const old = await generatePlatformToken(database.db, alice(), tokenInput({ name: 'Mine only' }), NOW);
    await expect(rotateToken(database.db, demo.actor('bob@example.com'), rotation(old.tokenId), NOW)).rejects.toBeInstanceOf(NotFoundError);
    await database.db.update(accounts).set({ allowTokenManagement: false }).where(eq(accounts.id, 'acme'));
    try {
      await expect(rotateToken(database.db, alice(), rotation(old.tokenId), NOW)).rejects.toThrow(/turned off "Allow to manage platform tokens"/);
      expect((await rowOf(old.tokenId)).rotatedAt).toBeNull();
    } finally {
      await database.db.update(accounts).set({ allowTokenManagement: true }).where(eq(accounts.id, 'acme'));
    }
    // An admin sees the token but may not rotate it: the new secret would act as alice.
    await expect(rotateToken(database.db, demo.actor('admin@example.com'), rotation(old.tokenId), NOW)).rejects.toThrow(
      new ForbiddenError(
        `Only the person who generated ${old.tokenId} can rotate it: that hands out a new secret acting as its owner. As an admin you can disable or delete it.`,
      ),
    );
    expect((await rowOf(old.tokenId)).rotatedAt).toBeNull();
    const byAlice = await rotateToken(database.db, alice(), rotation(old.tokenId), NOW);
    expect((await rowOf(byAlice.tokenId)).ownerUserId).toBe(alice().userId);
  });
});
