import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformTokens } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { ConflictError } from '@/lib/errors';
import { demoIdentities, type DemoIdentities } from '@/lib/testing/demo';
import { generatePlatformToken } from './generate';
import { deleteToken, disableToken } from './lifecycle';
import { TOKEN_LIMIT, tokenCountsByAccount } from './limits';
import { tokenInput } from './test-support';

const NOW = new Date('2026-06-01T08:00:00Z');
const LIMIT_MESSAGE = 'You already have 10 platform tokens in Acme Corp, the most allowed. Delete one to generate another.';

describe(`the limit of ${TOKEN_LIMIT} tokens per user and account (${testBackend})`, () => {
  let database: TestDatabase;
  let demo: DemoIdentities;

  beforeAll(async () => {
    database = await createTestDatabase();
    demo = await demoIdentities(database.db);
  });
  afterAll(() => database.close());

  const generate = (email: string, name: string, accountId = 'acme') =>
    generatePlatformToken(
      database.db,
      demo.actor(email),
      tokenInput({ name, accountId, environmentIds: [accountId === 'acme' ? 'acme-prod' : 'globex-prod'] }),
      NOW,
    );

  it('refuses the 11th token in an account, counting disabled and expired ones but not deleted or rotated ones', async () => {
    const made = [];
    for (let i = 1; i <= TOKEN_LIMIT; i++) made.push(await generate('alice@example.com', `Alice ${i}`));
    await expect(generate('alice@example.com', 'Eleventh')).rejects.toThrow(new ConflictError(LIMIT_MESSAGE));
    expect((await tokenCountsByAccount(database.db, demo.actor('alice@example.com').userId, NOW)).get('acme')).toBe(TOKEN_LIMIT);

    // Disabled and expired tokens still count.
    await disableToken(database.db, demo.actor('alice@example.com'), made[0]!.tokenId);
    await database.db
      .update(platformTokens)
      .set({ expiresAt: new Date(NOW.getTime() - 1000) })
      .where(eq(platformTokens.publicId, made[1]!.tokenId.slice(7)));
    await expect(generate('alice@example.com', 'Still eleventh')).rejects.toBeInstanceOf(ConflictError);

    // Another account has its own limit.
    await generate('alice@example.com', 'In Globex', 'globex');

    // A deleted token frees a place; so does one superseded by a rotation, once its overlap ends.
    await deleteToken(database.db, demo.actor('alice@example.com'), made[2]!.tokenId);
    await generate('alice@example.com', 'After delete');
    await expect(generate('alice@example.com', 'Too many again')).rejects.toBeInstanceOf(ConflictError);
    const superseded = eq(platformTokens.publicId, made[3]!.tokenId.slice(7));
    await database.db.update(platformTokens).set({ rotatedAt: NOW, expiresAt: new Date(NOW.getTime() + 1000) }).where(superseded);
    await expect(generate('alice@example.com', 'During the overlap')).rejects.toThrow(new ConflictError(LIMIT_MESSAGE));
    await database.db.update(platformTokens).set({ expiresAt: NOW }).where(superseded);
    await generate('alice@example.com', 'After rotation');
    const counted = await database.db
      .select({ id: platformTokens.id })
      .from(platformTokens)
      .where(and(eq(platformTokens.accountId, 'acme'), eq(platformTokens.createdById, demo.actor('alice@example.com').userId)));
    expect(counted).toHaveLength(TOKEN_LIMIT + 1);
  });

  // PGlite runs one statement at a time, so only a real server can show that the lock holds.
  it.skipIf(testBackend !== 'postgres')('lets exactly one of 20 concurrent generations through for a user who has 9', async () => {
    for (let i = 1; i < TOKEN_LIMIT; i++) await generate('bob@example.com', `Bob ${i}`);
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => generate('bob@example.com', `Race ${i}`)));
    const succeeded = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(succeeded).toHaveLength(1);
    expect(refused).toHaveLength(19);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(ConflictError);
      expect((r.reason as Error).message).toBe(LIMIT_MESSAGE);
    }
    expect((await tokenCountsByAccount(database.db, demo.actor('bob@example.com').userId, NOW)).get('acme')).toBe(TOKEN_LIMIT);
  });
});
