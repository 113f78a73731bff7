import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts, auditEvents, platformTokens } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { NotFoundError, ValidationError } from '@/lib/errors';
import { changeRole } from '@/lib/people/members';
import { actorByEmail, demoIdentities, type DemoIdentities } from '@/lib/testing/demo';
import type { Actor } from '@/lib/auth/users';
import { adminSnapshot } from '@/lib/tokens/admin-testing';
import { expirationChoicesWithin } from '@/lib/tokens/expiration';
import { generatePlatformToken } from '@/lib/tokens/generate';
import { rotateToken } from '@/lib/tokens/rotate';
import { newMember, queuedBehindMembership, tokenInput } from '@/lib/tokens/test-support';
import { tokenPolicySchema } from '@/lib/validations/admin-tokens';
import { rotateTokenSchema } from '@/lib/validations/rotation';
import { loadTokenPolicy, setTokenPolicy } from './token-policy';

const NOW = new Date('2026-06-01T12:00:00Z');
const DAY = 24 * 60 * 60 * 1000;

async function refusal(promise: Promise<unknown>): Promise<ValidationError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe(`"Token policy" of an account on ${testBackend}`, () => {
  let database: TestDatabase;
  let demo: DemoIdentities;
  let adminActor: Actor;
  let aliceActor: Actor;
  beforeAll(async () => {
    database = await createTestDatabase();
    demo = await demoIdentities(database.db);
    adminActor = await actorByEmail(database.db, 'admin@example.com');
    aliceActor = await actorByEmail(database.db, 'alice@example.com');
  });
  afterAll(() => database.close());

  const admin = () => adminActor;
  const alice = () => demo.actor('alice@example.com');

  it('is set by an admin, audited with the old and new values, and saying it again records nothing', async () => {
    expect(await loadTokenPolicy(database.db, 'acme')).toEqual({ maxLifetimeDays: null, disableUnusedDays: null });
    expect(await setTokenPolicy(database.db, admin(), 'acme', { maxLifetimeDays: 90, disableUnusedDays: 30 })).toEqual({
      policy: { maxLifetimeDays: 90, disableUnusedDays: 30 },
      changed: true,
    });
    expect(await loadTokenPolicy(database.db, 'acme')).toEqual({ maxLifetimeDays: 90, disableUnusedDays: 30 });
    expect(await loadTokenPolicy(database.db, 'globex')).toEqual({ maxLifetimeDays: null, disableUnusedDays: null });
    const [event] = await database.db.select().from(auditEvents).orderBy(desc(auditEvents.id)).limit(1);
    expect(event).toMatchObject({
      accountId: 'acme',
      action: 'account.token_policy_changed',
      actorEmail: 'admin@example.com',
      targetName: 'Acme Corp',
      details: { maxLifetimeDays: 90, disableUnusedDays: 30, previous: { maxLifetimeDays: null, disableUnusedDays: null } },
    });
    const before = await adminSnapshot(database.db);
    expect((await setTokenPolicy(database.db, admin(), 'acme', { maxLifetimeDays: 90, disableUnusedDays: 30 })).changed).toBe(false);
    expect(await adminSnapshot(database.db)).toEqual(before);
  });

  it('refuses members and changes nothing', async () => {
    const before = await adminSnapshot(database.db);
    await expect(setTokenPolicy(database.db, aliceActor, 'acme', { maxLifetimeDays: null, disableUnusedDays: null })).rejects.toBeInstanceOf(NotFoundError);
    expect(await adminSnapshot(database.db)).toEqual(before);
  });

  it('refuses days that are not a whole number from 1 to 36500, naming the field', () => {
    const parse = (maxLifetimeDays: unknown, disableUnusedDays: unknown = '') =>
      tokenPolicySchema.safeParse({ accountId: 'acme', maxLifetimeDays, disableUnusedDays });
    expect(parse('90').data).toEqual({ accountId: 'acme', maxLifetimeDays: 90, disableUnusedDays: null });
    expect(parse('', ' ').data).toEqual({ accountId: 'acme', maxLifetimeDays: null, disableUnusedDays: null });
    for (const bad of ['0', '-3', '1.5', 'abc', '36501', 90, null, true]) {
      const result = parse(bad);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]).toMatchObject({
        path: ['maxLifetimeDays'],
        message: 'Maximum lifetime must be a whole number of days from 1 to 36500, or empty',
      });
    }
    expect(parse('', '0').error?.issues[0]?.message).toBe('Disable tokens unused for must be a whole number of days from 1 to 36500, or empty');
  });

  it('offers only the expiration choices within the maximum lifetime', () => {
    expect(expirationChoicesWithin(null, NOW)).toEqual(['7d', '30d', '60d', '90d', '1y', 'custom', 'never']);
    expect(expirationChoicesWithin(90, NOW)).toEqual(['7d', '30d', '60d', '90d', 'custom']);
    expect(expirationChoicesWithin(10, NOW)).toEqual(['7d', 'custom']);
    expect(expirationChoicesWithin(1, NOW)).toEqual(['custom']);
  });

  it('refuses generating, duplicating and rotating beyond the maximum lifetime, naming the field and the maximum', async () => {
    const message = "Expiration date: the account's maximum lifetime is 90 days; choose an earlier date";
    const before = await adminSnapshot(database.db);
    for (const input of [
      tokenInput({ expiration: 'never' }),
      tokenInput({ expiration: '1y' }),
      tokenInput({ expiration: 'custom', expiresAt: new Date(NOW.getTime() + 90 * DAY + 1000).toISOString() }),
    ]) {
      const error = await refusal(generatePlatformToken(database.db, alice(), input, NOW));
      expect(error.message).toBe(message);
      expect(error.fieldErrors).toEqual({ expiresAt: message });
    }
    expect(await adminSnapshot(database.db)).toEqual(before);

    // Within the maximum: a preset, and a custom date at the bound itself.
    const made = await generatePlatformToken(database.db, alice(), tokenInput({ expiration: '90d' }), NOW);
    const atBound = new Date(NOW.getTime() + 90 * DAY).toISOString();
    await generatePlatformToken(database.db, alice(), tokenInput({ expiration: 'custom', expiresAt: atBound }), NOW);

    const duplicate = await refusal(
      generatePlatformToken(database.db, alice(), tokenInput({ expiration: 'never' }), NOW, { sourceTokenId: made.tokenId }),
    );
    expect(duplicate.fieldErrors).toEqual({ expiresAt: message });

    const rotation = (expiration: 'never' | '1y' | '30d') =>
      rotateTokenSchema.parse({ tokenId: made.tokenId, expireOld: 'immediately', oldExpiresAt: '', name: 'Rotated', expiration, expiresAt: '' });
    for (const expiration of ['never', '1y'] as const) {
      const error = await refusal(rotateToken(database.db, alice(), rotation(expiration), NOW));
      expect(error.fieldErrors).toEqual({ expiresAt: message });
    }
    const [old] = await database.db.select().from(platformTokens).where(eq(platformTokens.publicId, made.tokenId.slice(7)));
    expect(old?.rotatedToId).toBeNull();
    await rotateToken(database.db, alice(), rotation('30d'), NOW);

    // Globex has no maximum: "Never" is fine there.
    await generatePlatformToken(database.db, alice(), tokenInput({ accountId: 'globex', environmentIds: ['globex-prod'], expiration: 'never' }), NOW);
  });

  it('applies a changed maximum to the next token, and none once it is removed', async () => {
    await setTokenPolicy(database.db, admin(), 'acme', { maxLifetimeDays: 7, disableUnusedDays: null });
    const error = await refusal(generatePlatformToken(database.db, alice(), tokenInput({ expiration: '30d' }), NOW));
    expect(error.fieldErrors.expiresAt).toBe("Expiration date: the account's maximum lifetime is 7 days; choose an earlier date");
    await setTokenPolicy(database.db, admin(), 'acme', { maxLifetimeDays: null, disableUnusedDays: null });
    await generatePlatformToken(database.db, alice(), tokenInput({ expiration: 'never' }), NOW);
    const [acme] = await database.db.select().from(accounts).where(eq(accounts.id, 'acme'));
    expect(acme?.maxTokenLifetimeDays).toBeNull();
  });

  // PGlite runs one transaction at a time, so only a real server can interleave them.
  it.skipIf(testBackend !== 'postgres')('is set by an admin whom another admin demotes meanwhile, one after the other', async () => {
    const frank = await newMember(database.db, 'acme', 'frank@example.com', 'admin');
    try {
      // What a token generation of his in another tab holds: his membership row. The policy and
      // the demotion queue behind it; each would hold one of the account's and his membership's
      // rows while waiting for the other, unless both take them in one order.
      const [setting, demoting] = await queuedBehindMembership(
        database.url!,
        { accountId: 'acme', userId: frank.userId, lock: 'update' },
        () => setTokenPolicy(database.db, frank, 'acme', { maxLifetimeDays: 90, disableUnusedDays: null }),
        () => changeRole(database.db, admin(), { accountId: 'acme', userId: frank.userId, role: 'member' }),
      );
      expect(setting).toMatchObject({ ok: true, value: { changed: true } });
      expect(demoting).toEqual({ ok: true, value: { email: 'frank@example.com', role: 'member' } });
    } finally {
      await setTokenPolicy(database.db, admin(), 'acme', { maxLifetimeDays: null, disableUnusedDays: null });
    }
  });
});
