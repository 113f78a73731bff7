import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformTokens } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { demoIdentities, type DemoIdentities } from '@/lib/testing/demo';
import { generatePlatformToken } from '@/lib/tokens/generate';
import { rotateToken } from '@/lib/tokens/rotate';
import { tokenInput } from '@/lib/tokens/test-support';
import { rotateTokenSchema } from '@/lib/validations/rotation';
import { createTestPlatform, platformRequest, readResponse } from './testing';

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
});
