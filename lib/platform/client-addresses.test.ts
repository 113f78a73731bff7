import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformTokens } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { demoIdentities, type DemoIdentities } from '@/lib/testing/demo';
import { generatePlatformToken } from '@/lib/tokens/generate';
import { rotateToken } from '@/lib/tokens/rotate';
import { tokenInput } from '@/lib/tokens/test-support';
import { rotateTokenSchema } from '@/lib/validations/rotation';
import { accountRequest, createTestPlatform, insertTestToken, platformRequest, readResponse } from './testing';

describe(`a token's "Allowed client addresses" in the platform API (${testBackend})`, () => {
  let database: TestDatabase;
  let demo: DemoIdentities;
  let platform: ReturnType<typeof createTestPlatform>;

  beforeAll(async () => {
    database = await createTestDatabase();
    demo = await demoIdentities(database.db);
    platform = createTestPlatform(database.db);
  });
  afterAll(async () => {
    platform.unsubscribe();
    await database.close();
  });

  const list = async (token: string, ip?: string) =>
    readResponse(await platform.handle(platformRequest('acme-prod', '/document/v1/documents', { token, ip })));

  it('serves calls from the allowed blocks and refuses others with 403 naming the address, from memory too', async () => {
    const made = await generatePlatformToken(
      database.db,
      demo.actor('alice@example.com'),
      tokenInput({ allowedClientAddresses: '203.0.113.0/24, 2001:db8::/32' }),
      new Date(),
    );
    const [row] = await database.db.select().from(platformTokens).where(eq(platformTokens.publicId, made.tokenId.slice(7)));
    expect(row?.allowedClientAddresses).toEqual(['203.0.113.0/24', '2001:db8::/32']);

    expect((await list(made.token, '203.0.113.7')).status).toBe(200);
    expect((await list(made.token, '2001:db8::42')).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const outside = await list(made.token, '198.51.100.23');
      expect(outside.status).toBe(403);
      expect(outside.body).toEqual({
        error: {
          code: 403,
          message: `The token ${made.tokenId} does not accept calls from 198.51.100.23: it is not among the token's allowed client addresses.`,
        },
      });
    }
    const unknown = await list(made.token);
    expect(unknown.status).toBe(403);
    expect((unknown.body.error as { message: string }).message).toContain("this call's address is unknown");

    // A wrong secret is still a 401, whatever the address: the address check comes after the secret.
    const wrong = `${made.token.slice(0, -1)}${made.token.endsWith('A') ? 'B' : 'A'}`;
    expect((await list(wrong, '198.51.100.23')).status).toBe(401);

    // The successor of a rotation keeps the list.
    const rotated = await rotateToken(
      database.db,
      demo.actor('alice@example.com'),
      rotateTokenSchema.parse({ tokenId: made.tokenId, expireOld: 'immediately', oldExpiresAt: '', name: 'Rotated', expiration: '30d', expiresAt: '' }),
      new Date(),
    );
    expect((await list(rotated.token, '198.51.100.23')).status).toBe(403);
    expect((await list(rotated.token, '203.0.113.8')).status).toBe(200);
  });

  it('leaves tokens without a list usable from anywhere', async () => {
    const made = await generatePlatformToken(database.db, demo.actor('alice@example.com'), tokenInput({ name: 'Anywhere' }), new Date());
    expect((await list(made.token, '198.51.100.23')).status).toBe(200);
    expect((await list(made.token)).status).toBe(200);
  });

  it('hold on the account management API and for a call at the root, as under /e/{env}', async () => {
    const restricted = await insertTestToken(database.db, { owner: 'admin@example.com', scopes: ['platform-token:tokens:manage', 'document:documents:read'] });
    await database.db.update(platformTokens).set({ allowedClientAddresses: ['203.0.113.0/24'] }).where(eq(platformTokens.id, restricted.id));
    const outsideMessage = `The token ${restricted.tokenId} does not accept calls from 198.51.100.23: it is not among the token's allowed client addresses.`;
    const at = async (path: string, ip: string, method = 'GET') =>
      readResponse(await platform.handle(accountRequest(path, { token: restricted.token, ip, method, body: method === 'POST' ? {} : undefined })));

    expect((await at('/iam/v1/accounts/acme/platform-tokens', '203.0.113.7')).status).toBe(200);
    const listed = await at('/iam/v1/accounts/acme/platform-tokens', '198.51.100.23');
    expect(listed.status).toBe(403);
    expect(listed.body).toEqual({ error: { code: 403, message: outsideMessage } });
    // Rotating itself needs no scope: refused from outside too, and the token is left as it was.
    const rotated = await at('/iam/v1/accounts/acme/platform-tokens/self:rotate', '198.51.100.23', 'POST');
    expect(rotated.status).toBe(403);
    expect(rotated.body).toEqual({ error: { code: 403, message: outsideMessage } });
    const [row] = await database.db.select().from(platformTokens).where(eq(platformTokens.id, restricted.id));
    expect(row?.rotatedAt).toBeNull();

    // At the root the token's reach is said only to a caller it accepts.
    const rootOutside = await at('/platform/document/v1/documents', '198.51.100.23');
    expect(rootOutside.body).toEqual({ error: { code: 403, message: outsideMessage } });
    const rootInside = await at('/platform/document/v1/documents', '203.0.113.7');
    expect(rootInside.status).toBe(400);
    expect((rootInside.body.error as { message: string }).message).toContain('reaches every environment of its account');

    // A disabled token is refused as disabled at the root, before anything about its environments.
    const disabled = await insertTestToken(database.db, { environmentIds: ['acme-prod', 'acme-staging'], status: 'disabled' });
    const root = await readResponse(await platform.handle(accountRequest('/platform/document/v1/documents', { token: disabled.token })));
    expect(root.status).toBe(401);
    expect(root.body).toEqual({ error: { code: 401, message: `The token ${disabled.tokenId} is disabled.` } });
  });
});
