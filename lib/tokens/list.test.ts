import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts, platformTokens } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { actorByEmail, demoIdentities, type DemoIdentities } from '@/lib/testing/demo';
import { generatePlatformToken } from './generate';
import { disableToken } from './lifecycle';
import { findMyToken, listMyTokens } from './list';
import { tokenInput } from './test-support';
import { loadTokenPage } from './token-page';
import { tokenRowFromView } from './token-row';

const NOW = new Date('2026-02-28T23:00:00Z');

describe(`My platform tokens (${testBackend})`, () => {
  let database: TestDatabase;
  let demo: DemoIdentities;

  beforeAll(async () => {
    database = await createTestDatabase();
    demo = await demoIdentities(database.db);
  });
  afterAll(() => database.close());

  it('lists what the user created or owns across accounts, with every column of the table', async () => {
    const alice = demo.actor('alice@example.com');
    const ciBot = demo.id('acme/ci-bot@service.example.com');
    const mine = await generatePlatformToken(database.db, alice, tokenInput({ name: 'Mine', environmentIds: ['acme-staging', 'acme-prod'] }), NOW);
    const forBot = await generatePlatformToken(
      database.db,
      alice,
      tokenInput({ name: 'For the bot', generateFor: 'service-user', serviceUserId: ciBot, appliesToAccount: true, expiration: 'never' }),
      NOW,
    );
    const globex = await generatePlatformToken(database.db, alice, tokenInput({ name: 'Globex one', accountId: 'globex', environmentIds: ['globex-prod'] }), NOW);
    await generatePlatformToken(database.db, demo.actor('bob@example.com'), tokenInput({ name: "Bob's" }), NOW);
    await disableToken(database.db, alice, globex.tokenId);
    await database.db
      .update(platformTokens)
      .set({ lastUsedAt: new Date('2026-02-28T22:00:00Z'), lastUsedIp: '203.0.113.7' })
      .where(eq(platformTokens.publicId, mine.tokenId.slice(7)));

    const list = await listMyTokens(database.db, alice.userId, NOW);
    expect(list.map((t) => t.name).sort()).toEqual(['For the bot', 'Globex one', 'Mine']);
    const row = list.find((t) => t.name === 'Mine')!;
    expect(row).toMatchObject({
      tokenId: mine.tokenId,
      accountId: 'acme',
      accountName: 'Acme Corp',
      state: 'Active',
      appliesToAccount: false,
      environments: [
        { id: 'acme-prod', name: 'Production' },
        { id: 'acme-staging', name: 'Staging' },
      ],
      owner: { email: 'alice@example.com', isServiceUser: false },
      createdByEmail: 'alice@example.com',
      expiresAt: '2026-03-30T23:00:00.000Z',
      lastUsedAt: '2026-02-28T22:00:00.000Z',
      lastUsedIp: '203.0.113.7',
      rotatedFromTokenId: null,
      rotatedToTokenId: null,
    });
    expect(JSON.stringify(list)).not.toMatch(/secret|[0-9a-f]{64}/i);
    expect(list.find((t) => t.name === 'For the bot')).toMatchObject({
      tokenId: forBot.tokenId,
      appliesToAccount: true,
      environments: [],
      owner: { email: 'ci-bot@service.example.com', isServiceUser: true, serviceUserId: ciBot },
      expiresAt: null,
    });
    expect(list.find((t) => t.name === 'Globex one')).toMatchObject({ state: 'Disabled', accountName: 'Globex' });

    // An expired token stays listed until deleted.
    const later = new Date('2026-04-01T00:00:00Z');
    expect((await listMyTokens(database.db, alice.userId, later)).find((t) => t.name === 'Mine')!.state).toBe('Expired');

    const bobs = await listMyTokens(database.db, demo.actor('bob@example.com').userId, NOW);
    expect(bobs.map((t) => t.name)).toEqual(["Bob's"]);
    expect(await findMyToken(database.db, demo.actor('bob@example.com').userId, mine.tokenId, NOW)).toBeNull();
    expect((await findMyToken(database.db, alice.userId, mine.tokenId, NOW))?.name).toBe('Mine');
  });

  it("carries each token's account maximum lifetime to its row and its page, for the Rotate dialog's choices", async () => {
    const alice = demo.actor('alice@example.com');
    const acme = await generatePlatformToken(database.db, alice, tokenInput({ name: 'No maximum' }), NOW);
    const globex = await generatePlatformToken(
      database.db,
      alice,
      tokenInput({ name: 'Under a maximum', accountId: 'globex', environmentIds: ['globex-prod'] }),
      NOW,
    );
    await database.db.update(accounts).set({ maxTokenLifetimeDays: 30 }).where(eq(accounts.id, 'globex'));
    try {
      const list = await listMyTokens(database.db, alice.userId, NOW);
      const row = (tokenId: string) => tokenRowFromView(list.find((t) => t.tokenId === tokenId)!, []);
      expect(row(globex.tokenId).accountMaxLifetimeDays).toBe(30);
      expect(row(acme.tokenId).accountMaxLifetimeDays).toBeNull();
      const reader = await actorByEmail(database.db, 'alice@example.com');
      expect((await loadTokenPage(database.db, reader, globex.tokenId, NOW))?.token.accountMaxLifetimeDays).toBe(30);
      expect((await loadTokenPage(database.db, reader, acme.tokenId, NOW))?.token.accountMaxLifetimeDays).toBeNull();
    } finally {
      await database.db.update(accounts).set({ maxTokenLifetimeDays: null }).where(eq(accounts.id, 'globex'));
    }
  });
});
