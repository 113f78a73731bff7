// A rotated token keeps working through its overlap window and answers like any expired token
// (403) after it; with "Immediately" it stops at once, while its successor works.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { demoIdentities } from '@/lib/testing/demo';
import { generatePlatformToken } from '@/lib/tokens/generate';
import { rotateToken } from '@/lib/tokens/rotate';
import { tokenInput } from '@/lib/tokens/test-support';
import { createTestPlatform, platformRequest, readResponse } from './testing';

const HOUR = 3_600_000;

describe(`rotation seen from the platform API (${testBackend})`, () => {
  let database: TestDatabase;
  let clock = new Date('2026-03-01T10:00:00Z');
  let platform: ReturnType<typeof createTestPlatform>;

  beforeAll(async () => {
    database = await createTestDatabase();
    platform = createTestPlatform(database.db, { now: () => clock });
  });
  afterAll(async () => {
    platform.unsubscribe();
    await database.close();
  });

  const listDocuments = async (token: string) =>
    (await readResponse(await platform.handle(platformRequest('acme-prod', '/document/v1/documents', { token })))).status;

  it('the old token works until its deferred expiry and is refused after', async () => {
    const { actor } = await demoIdentities(database.db);
    const alice = actor('alice@example.com');
    const start = new Date('2026-03-01T10:00:00Z');
    clock = start;
    const old = await generatePlatformToken(database.db, alice, tokenInput({ name: 'Deferred', expiration: 'never' }), start);
    expect(await listDocuments(old.token)).toBe(200);

    const overlapEnds = new Date(start.getTime() + 2 * HOUR);
    const successor = await rotateToken(
      database.db,
      alice,
      { tokenId: old.tokenId, expireOld: 'later', oldExpiresAt: overlapEnds.toISOString(), name: 'Deferred 01.03.2026', expiration: 'never', expiresAt: '' },
      start,
    );
    clock = new Date(start.getTime() + HOUR);
    expect(await listDocuments(old.token)).toBe(200);
    expect(await listDocuments(successor.token)).toBe(200);

    clock = new Date(overlapEnds.getTime() + 1);
    const refused = await readResponse(await platform.handle(platformRequest('acme-prod', '/document/v1/documents', { token: old.token })));
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).toMatch(/expired/i);
    expect(await listDocuments(successor.token)).toBe(200);
  });

  it('with "Immediately" the old token stops at once', async () => {
    const { actor } = await demoIdentities(database.db);
    const alice = actor('alice@example.com');
    const start = new Date('2026-03-02T10:00:00Z');
    clock = start;
    const old = await generatePlatformToken(database.db, alice, tokenInput({ name: 'Leaked', expiration: 'never' }), start);
    expect(await listDocuments(old.token)).toBe(200);
    const successor = await rotateToken(
      database.db,
      alice,
      { tokenId: old.tokenId, expireOld: 'immediately', oldExpiresAt: '', name: 'Leaked 02.03.2026', expiration: 'never', expiresAt: '' },
      start,
    );
    clock = new Date(start.getTime() + 1);
    expect(await listDocuments(old.token)).toBe(403);
    expect(await listDocuments(successor.token)).toBe(200);
  });

  it('never lets rotations make more than 10 of a user\'s tokens answer', async () => {
    const { actor } = await demoIdentities(database.db);
    const bob = actor('bob@example.com');
    const start = new Date('2026-03-03T10:00:00Z');
    clock = start;
    const secrets: string[] = [];
    const tokenIds: string[] = [];
    for (let i = 0; i < 10; i++) {
      const made = await generatePlatformToken(database.db, bob, tokenInput({ name: `Bob ${i}`, expiration: 'never' }), start);
      secrets.push(made.token);
      tokenIds.push(made.tokenId);
    }
    const rotation = (tokenId: string, oldExpiresAt: Date | null) => ({
      tokenId,
      expireOld: oldExpiresAt ? ('later' as const) : ('immediately' as const),
      oldExpiresAt: oldExpiresAt?.toISOString() ?? '',
      name: 'Rotated',
      expiration: 'never' as const,
      expiresAt: '',
    });
    for (const tokenId of tokenIds) {
      for (const until of [new Date('2036-01-01T00:00:00Z'), new Date(start.getTime() + 7 * 24 * HOUR), null]) {
        const rotated = await rotateToken(database.db, bob, rotation(tokenId, until), start).catch(() => null);
        if (rotated) secrets.push(rotated.token);
      }
    }
    clock = new Date(start.getTime() + 1);
    const statuses = await Promise.all(secrets.map(listDocuments));
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
  });
});
