import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '@/lib/audit';
import { accountMembers, users } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { actorByEmail } from '@/lib/testing/demo';
import { insertTestToken, type TestToken } from '@/lib/testing/tokens';
import { loadTokenPage } from './token-page';

describe(`a token's own page on ${testBackend}`, () => {
  let database: TestDatabase;
  let aliceToken: TestToken;
  let ciBotToken: TestToken;
  let globexToken: TestToken;
  const now = () => new Date();

  beforeAll(async () => {
    database = await createTestDatabase();
    aliceToken = await insertTestToken(database.db, {
      name: 'nightly export',
      owner: 'alice@example.com',
      scopes: ['document:documents:read', 'email:emails:send'],
      environmentIds: ['acme-prod'],
    });
    ciBotToken = await insertTestToken(database.db, {
      owner: 'ci-bot@service.example.com',
      creator: 'alice@example.com',
      scopes: ['document:documents:read'],
    });
    globexToken = await insertTestToken(database.db, { accountId: 'globex', owner: 'alice@example.com' });
    const alice = await actorByEmail(database.db, 'alice@example.com');
    await recordAudit(database.db, alice, { accountId: 'acme', action: 'token.generated', tokenId: aliceToken.tokenId, targetName: 'nightly export' });
  });
  afterAll(() => database.close());

  const page = async (email: string, tokenId: string) => loadTokenPage(database.db, await actorByEmail(database.db, email), tokenId, now());

  it('is there for the token’s creator and owner, and for the admins of its account', async () => {
    expect((await page('alice@example.com', aliceToken.tokenId))?.token.name).toBe('nightly export');
    expect((await page('admin@example.com', aliceToken.tokenId))?.token.tokenId).toBe(aliceToken.tokenId);
    // The creator of a service user's token sees it too.
    expect((await page('alice@example.com', ciBotToken.tokenId))?.token.owner.email).toBe('ci-bot@service.example.com');
  });

  it('is not there for another member of the account, nor for a token ID that does not exist', async () => {
    expect(await page('bob@example.com', aliceToken.tokenId)).toBeNull();
    expect(await page('bob@example.com', ciBotToken.tokenId)).toBeNull();
    expect(await page('alice@example.com', `dt0s16.${'Z'.repeat(24)}`)).toBeNull();
  });

  it('is gone for its creator once they are no longer a member of its account', async () => {
    expect(await page('alice@example.com', globexToken.tokenId)).not.toBeNull();
    const [alice] = await database.db.select({ id: users.id }).from(users).where(eq(users.email, 'alice@example.com'));
    await database.db.delete(accountMembers).where(and(eq(accountMembers.accountId, 'globex'), eq(accountMembers.userId, alice!.id)));
    expect(await page('alice@example.com', globexToken.tokenId)).toBeNull();
  });

  it('lists every scope with the endpoints it grants and whether the owner holds it now', async () => {
    const result = await page('alice@example.com', aliceToken.tokenId);
    expect(result?.reach.map((e) => e.id)).toEqual(['acme-prod']);
    const [read, send] = result!.scopes;
    expect(read).toMatchObject({ name: 'document:documents:read', held: 'all', serviceTitle: expect.any(String) });
    expect(read?.endpoints.map((e) => `${e.method} ${e.path}`)).toContain('GET /document/v1/documents');
    expect(send).toMatchObject({ name: 'email:emails:send', held: 'none' });
  });

  it('shows the token’s own activity', async () => {
    const result = await page('admin@example.com', aliceToken.tokenId);
    expect(result?.activity.map((e) => e.action)).toEqual(['token.generated']);
    expect((await page('alice@example.com', ciBotToken.tokenId))?.activity).toEqual([]);
  });
});
