import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { platformTokens } from '@/lib/db/schema';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { LastUsedRecorder } from './last-used';
import { createTestPlatform, insertTestToken, platformRequest } from './testing';

// "Last used" time and client IP: recorded on use, written at most once a minute per token.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

async function stored(id: string) {
  const [row] = await database.db
    .select({ at: platformTokens.lastUsedAt, ip: platformTokens.lastUsedIp })
    .from(platformTokens)
    .where(eq(platformTokens.id, id));
  return row!;
}

it('records the first use at once and later ones at most once a minute', async () => {
  let now = new Date('2026-03-01T10:00:00.000Z');
  const platform = createTestPlatform(database.db, { now: () => now, subscribe: false });
  const t = await insertTestToken(database.db, { scopes: ['document:documents:read'] });
  const use = async (ip: string) => {
    const response = await platform.handle(platformRequest('acme-prod', '/document/v1/documents', { token: t.token, ip }));
    expect(response.status).toBe(200);
  };

  expect(await stored(t.id)).toEqual({ at: null, ip: null });
  await use('203.0.113.7');
  await platform.lastUsed.flush();
  expect(await stored(t.id)).toEqual({ at: new Date('2026-03-01T10:00:00.000Z'), ip: '203.0.113.7' });

  now = new Date('2026-03-01T10:00:59.000Z');
  for (let i = 0; i < 20; i++) await use('198.51.100.1');
  await platform.lastUsed.flush();
  expect(await stored(t.id)).toEqual({ at: new Date('2026-03-01T10:00:00.000Z'), ip: '203.0.113.7' });

  now = new Date('2026-03-01T10:01:00.000Z');
  await use('2001:db8::1');
  await platform.lastUsed.flush();
  expect(await stored(t.id)).toEqual({ at: new Date('2026-03-01T10:01:00.000Z'), ip: '2001:db8::1' });
});

it('does not write more often when several instances use the same token', async () => {
  const now = new Date('2026-03-02T10:00:00.000Z');
  const t = await insertTestToken(database.db, { scopes: ['document:documents:read'] });
  const first = createTestPlatform(database.db, { now: () => now, subscribe: false });
  const later = new Date(now.getTime() + 30_000);
  const second = createTestPlatform(database.db, { now: () => later, subscribe: false });
  await first.handle(platformRequest('acme-prod', '/document/v1/documents', { token: t.token, ip: '203.0.113.1' }));
  await first.lastUsed.flush();
  await second.handle(platformRequest('acme-prod', '/document/v1/documents', { token: t.token, ip: '203.0.113.2' }));
  await second.lastUsed.flush();
  expect(await stored(t.id)).toEqual({ at: now, ip: '203.0.113.1' });
});

it('keeps a use without a usable client address, and no use of a refused token', async () => {
  const now = new Date('2026-03-03T10:00:00.000Z');
  const platform = createTestPlatform(database.db, { now: () => now, subscribe: false });
  const t = await insertTestToken(database.db, { scopes: ['document:documents:read'] });
  await platform.handle(platformRequest('acme-prod', '/document/v1/documents', { token: t.token, ip: 'not-an-ip' }));
  const disabled = await insertTestToken(database.db, { scopes: ['document:documents:read'], status: 'disabled' });
  await platform.handle(platformRequest('acme-prod', '/document/v1/documents', { token: disabled.token, ip: '203.0.113.9' }));
  await platform.lastUsed.flush();
  expect(await stored(t.id)).toEqual({ at: now, ip: null });
  expect(await stored(disabled.id)).toEqual({ at: null, ip: null });
});

it('writes a batch by itself after its delay, and with no delay only when flushed', async () => {
  const at = new Date('2026-03-04T10:00:00.000Z');
  const timed = await insertTestToken(database.db, { scopes: ['document:documents:read'] });
  const manual = await insertTestToken(database.db, { scopes: ['document:documents:read'] });
  const byTimer = new LastUsedRecorder({ getDb: async () => database.db, flushDelayMs: 20 });
  const byFlush = new LastUsedRecorder({ getDb: async () => database.db, flushDelayMs: null });
  byTimer.record(timed.id, null, at, '203.0.113.4');
  byFlush.record(manual.id, null, at, '203.0.113.5');
  await expect.poll(() => stored(timed.id), { timeout: 5_000 }).toEqual({ at, ip: '203.0.113.4' });
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(await stored(manual.id)).toEqual({ at: null, ip: null });
  await byFlush.flush();
  expect(await stored(manual.id)).toEqual({ at, ip: '203.0.113.5' });
});
