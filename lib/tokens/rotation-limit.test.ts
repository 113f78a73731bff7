// Rule 2 through rotations: a superseded token counts until its overlap (at most 7 days) ends, so
// no sequence of rotations, concurrent or not, yields more than 10 working tokens.
import { and, eq, gt, isNull, or } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformTokens } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { ConflictError, ValidationError } from '@/lib/errors';
import { demoIdentities, type DemoIdentities } from '@/lib/testing/demo';
import type { RotateTokenValues } from '@/lib/validations/rotation';
import { generatePlatformToken } from './generate';
import { changeTokenExpiration, deleteToken, supersededExpiryMessage } from './lifecycle';
import { TOKEN_LIMIT, tokenCountsByAccount } from './limits';
import { rotateToken } from './rotate';
import { tokenInput } from './test-support';

const NOW = new Date('2026-07-01T08:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A small seeded generator, so that a failing sequence can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe(`the limit of ${TOKEN_LIMIT} through rotations (${testBackend})`, () => {
  let database: TestDatabase;
  let demo: DemoIdentities;

  beforeAll(async () => {
    database = await createTestDatabase();
    demo = await demoIdentities(database.db);
  });
  afterAll(() => database.close());

  const place = (accountId: string) => ({ accountId, environmentIds: [accountId === 'acme' ? 'acme-prod' : 'globex-prod'] });
  const generate = (email: string, accountId: string, name: string, now: Date) =>
    generatePlatformToken(database.db, demo.actor(email), tokenInput({ name, ...place(accountId) }), now);
  const later = (tokenId: string, oldExpiresAt: Date): RotateTokenValues => ({
    tokenId,
    expireOld: 'later',
    oldExpiresAt: oldExpiresAt.toISOString(),
    name: 'Rotated',
    expiration: 'never',
    expiresAt: '',
  });
  const immediately = (tokenId: string): RotateTokenValues => ({ ...later(tokenId, NOW), expireOld: 'immediately', oldExpiresAt: '' });
  /** Tokens the user generated in the account that a script could use at `now`. */
  const working = async (email: string, accountId: string, now: Date) =>
    (
      await database.db
        .select({ publicId: platformTokens.publicId })
        .from(platformTokens)
        .where(
          and(
            eq(platformTokens.accountId, accountId),
            eq(platformTokens.createdById, demo.actor(email).userId),
            eq(platformTokens.status, 'active'),
            or(isNull(platformTokens.expiresAt), gt(platformTokens.expiresAt, now)),
          ),
        )
    ).length;
  const counted = async (email: string, accountId: string, now: Date) =>
    (await tokenCountsByAccount(database.db, demo.actor(email).userId, now)).get(accountId) ?? 0;
  const refusal = (work: Promise<unknown>) => work.then(() => null, (error: unknown) => error);

  it('refuses the rotations that used to turn 10 tokens into 20 and then 30 working ones', async () => {
    const tokens = [];
    for (let i = 0; i < TOKEN_LIMIT; i++) tokens.push(await generate('admin@example.com', 'globex', `Admin ${i}`, NOW));
    for (const token of tokens) {
      const farAway = await refusal(rotateToken(database.db, demo.actor('admin@example.com'), later(token.tokenId, new Date(NOW.getTime() + 365 * DAY)), NOW));
      expect(farAway).toBeInstanceOf(ValidationError);
      expect((farAway as ValidationError).fieldErrors).toEqual({ oldExpiresAt: '"Old token expires at" can be at most 7 days from now' });
      const week = await refusal(rotateToken(database.db, demo.actor('admin@example.com'), later(token.tokenId, new Date(NOW.getTime() + 7 * DAY)), NOW));
      expect(week).toBeInstanceOf(ValidationError);
      expect(Object.keys((week as ValidationError).fieldErrors)).toEqual(['expireOld']);
    }
    expect(await working('admin@example.com', 'globex', NOW)).toBe(TOKEN_LIMIT);
    for (const token of tokens) await deleteToken(database.db, demo.actor('admin@example.com'), token.tokenId);
  });

  it('counts a rotated token and its successor until the overlap ends, also when the successor is rotated', async () => {
    const email = 'admin@example.com';
    const actor = demo.actor(email);
    for (let i = 0; i < TOKEN_LIMIT - 2; i++) await generate(email, 'globex', `Filler ${i}`, NOW);
    const first = await generate(email, 'globex', 'First', NOW);
    const second = await rotateToken(database.db, actor, later(first.tokenId, new Date(NOW.getTime() + 2 * HOUR)), NOW);
    expect(await counted(email, 'globex', NOW)).toBe(TOKEN_LIMIT);

    // Rotating the successor "Later" would make 11; "Immediately" stops it and keeps 10.
    const soon = new Date(NOW.getTime() + HOUR);
    expect(await refusal(rotateToken(database.db, actor, later(second.tokenId, new Date(soon.getTime() + HOUR)), soon))).toBeInstanceOf(ValidationError);
    const third = await rotateToken(database.db, actor, immediately(second.tokenId), soon);
    expect(third.tokenId).toMatch(/^dt0s16\./);
    expect(await counted(email, 'globex', soon)).toBe(TOKEN_LIMIT);
    expect(await working(email, 'globex', soon)).toBe(TOKEN_LIMIT);
    await expect(generate(email, 'globex', 'Eleventh', soon)).rejects.toBeInstanceOf(ConflictError);

    // Once the first token's overlap has ended, its place is free again.
    const after = new Date(NOW.getTime() + 2 * HOUR);
    expect(await counted(email, 'globex', after)).toBe(TOKEN_LIMIT - 1);
    await generate(email, 'globex', 'In the freed place', after);
    expect(await working(email, 'globex', after)).toBe(TOKEN_LIMIT);
  });

  it('never gives a token replaced by a rotation a later end or none, which would put it back in service outside the limit', async () => {
    const email = 'admin@example.com';
    const actor = demo.actor(email);
    const tokens = [];
    for (let i = 0; i < TOKEN_LIMIT; i++) tokens.push(await generate(email, 'acme', `Admin ${i}`, NOW));
    await rotateToken(database.db, actor, immediately(tokens[0]!.tokenId), NOW);
    const soon = new Date(NOW.getTime() + HOUR);
    for (const expiration of [
      { choice: 'never' as const, customIso: '' },
      { choice: '30d' as const, customIso: '' },
      { choice: 'custom' as const, customIso: new Date(NOW.getTime() + 2 * DAY).toISOString() },
    ]) {
      const refused = await refusal(changeTokenExpiration(database.db, actor, tokens[0]!.tokenId, expiration, soon));
      expect(refused).toBeInstanceOf(ValidationError);
      expect((refused as ValidationError).fieldErrors).toEqual({ expiresAt: supersededExpiryMessage(tokens[0]!.tokenId, NOW) });
    }
    expect(await working(email, 'acme', soon)).toBe(TOKEN_LIMIT);
    expect(await counted(email, 'acme', soon)).toBe(TOKEN_LIMIT);
    for (const token of await database.db
      .select({ publicId: platformTokens.publicId })
      .from(platformTokens)
      .where(and(eq(platformTokens.accountId, 'acme'), eq(platformTokens.createdById, actor.userId)))) {
      await deleteToken(database.db, actor, `dt0s16.${token.publicId}`);
    }

    // Its overlap may end sooner.
    const kept = await generate(email, 'acme', 'Kept', NOW);
    await rotateToken(database.db, actor, later(kept.tokenId, new Date(NOW.getTime() + 2 * HOUR)), NOW);
    const sooner = await changeTokenExpiration(database.db, actor, kept.tokenId, { choice: 'custom', customIso: soon.toISOString() }, NOW);
    expect(sooner).toMatchObject({ changed: true, expiresAt: soon });
    const longer = await refusal(
      changeTokenExpiration(database.db, actor, kept.tokenId, { choice: 'custom', customIso: new Date(NOW.getTime() + 2 * HOUR).toISOString() }, NOW),
    );
    expect((longer as ValidationError).fieldErrors).toEqual({ expiresAt: supersededExpiryMessage(kept.tokenId, soon) });
  });

  it('never has more than 10 working tokens, whatever sequence of generations, rotations and deletions', async () => {
    const email = 'bob@example.com';
    const actor = demo.actor(email);
    const next = random(20260701);
    let now = NOW;
    const done = { generated: 0, rotatedLater: 0, rotatedImmediately: 0, refused: 0 };
    for (let step = 0; step < 80; step++) {
      now = new Date(now.getTime() + Math.floor(next() * 20 * HOUR));
      const rows = await database.db
        .select({ publicId: platformTokens.publicId })
        .from(platformTokens)
        .where(and(eq(platformTokens.accountId, 'acme'), eq(platformTokens.createdById, actor.userId)));
      const pick = rows.length > 0 ? `dt0s16.${rows[Math.floor(next() * rows.length)]!.publicId}` : null;
      const roll = next();
      let outcome: unknown;
      if (roll < 0.3 || !pick) {
        outcome = await refusal(generate(email, 'acme', `Step ${step}`, now));
        if (!outcome) done.generated++;
      } else if (roll < 0.6) {
        const overlap = 60_000 + Math.floor(next() * 7 * DAY);
        outcome = await refusal(rotateToken(database.db, actor, later(pick, new Date(now.getTime() + overlap)), now));
        if (!outcome) done.rotatedLater++;
      } else if (roll < 0.9) {
        outcome = await refusal(rotateToken(database.db, actor, immediately(pick), now));
        if (!outcome) done.rotatedImmediately++;
      } else {
        outcome = await refusal(deleteToken(database.db, actor, pick));
      }
      if (outcome) {
        // Refused for a rule (the limit, an already rotated or expired token), never a failure.
        expect(outcome instanceof ConflictError || outcome instanceof ValidationError, String(outcome)).toBe(true);
        done.refused++;
      }
      expect(await working(email, 'acme', now), `working tokens after step ${step}`).toBeLessThanOrEqual(TOKEN_LIMIT);
      expect(await counted(email, 'acme', now), `counted tokens after step ${step}`).toBeLessThanOrEqual(TOKEN_LIMIT);
    }
    // The sequence did reach the limit and rotate both ways.
    expect(done.generated).toBeGreaterThan(TOKEN_LIMIT);
    expect(done.rotatedLater).toBeGreaterThan(0);
    expect(done.rotatedImmediately).toBeGreaterThan(0);
    expect(done.refused).toBeGreaterThan(0);
  });

  // PGlite runs one transaction at a time, so only a real server can race them.
  it.skipIf(testBackend !== 'postgres')('lets one of many concurrent rotations and generations through for a user who has 9', async () => {
    const email = 'alice@example.com';
    const actor = demo.actor(email);
    const tokens = [];
    for (let i = 0; i < TOKEN_LIMIT - 1; i++) tokens.push(await generate(email, 'acme', `Alice ${i}`, NOW));
    const overlapEnds = new Date(NOW.getTime() + DAY);
    const attempts = [
      ...tokens.map((t) => rotateToken(database.db, actor, later(t.tokenId, overlapEnds), NOW)),
      ...tokens.map((t) => rotateToken(database.db, actor, later(t.tokenId, overlapEnds), NOW)),
      ...Array.from({ length: 4 }, (_, i) => generate(email, 'acme', `Race ${i}`, NOW)),
    ];
    const results = await Promise.allSettled(attempts);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') expect(r.reason instanceof ConflictError || r.reason instanceof ValidationError, String(r.reason)).toBe(true);
    }
    expect(await counted(email, 'acme', NOW)).toBe(TOKEN_LIMIT);
    expect(await working(email, 'acme', NOW)).toBe(TOKEN_LIMIT);

    // At the limit, concurrent "Immediately" rotations of different tokens all go through.
    const current = await database.db
      .select({ publicId: platformTokens.publicId })
      .from(platformTokens)
      .where(and(eq(platformTokens.accountId, 'acme'), eq(platformTokens.createdById, actor.userId), isNull(platformTokens.rotatedAt)));
    const soon = new Date(NOW.getTime() + HOUR);
    const immediate = await Promise.allSettled(current.map((t) => rotateToken(database.db, actor, immediately(`dt0s16.${t.publicId}`), soon)));
    expect(immediate.filter((r) => r.status === 'fulfilled')).toHaveLength(current.length);
    expect(await working(email, 'acme', soon)).toBe(TOKEN_LIMIT);
    expect(await counted(email, 'acme', soon)).toBe(TOKEN_LIMIT);
  });
});
