import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@/lib/db';
import { openDatabase, type Database } from '@/lib/db/client';
import { createTestDatabase, testBackend, testPostgresOptions, type TestDatabase } from '@/lib/db/testing';
import { TableFailureStore } from '@/lib/failure-counts';
import { generateToken } from '@/lib/tokens/format';
import { FailedVerifications } from './failed-verifications';
import { createTestPlatform, insertTestToken, platformRequest, readResponse, type TestToken } from './testing';

// Failed bearer verifications are limited per client: after LIMIT failures in a minute the client
// gets 429 with Retry-After, and what it sends no longer reaches the database. Valid traffic is
// not counted and not slowed; other clients are not affected.

const LIMIT = 5;
const DOCS = '/document/v1/documents';

let database: TestDatabase;
let valid: TestToken;
let expired: TestToken;
let clock: number;
let dbCalls: number;
let platform: ReturnType<typeof createTestPlatform>;

beforeAll(async () => {
  database = await createTestDatabase();
  valid = await insertTestToken(database.db, { scopes: ['document:documents:read'], environmentIds: ['acme-prod'] });
  expired = await insertTestToken(database.db, {
    scopes: ['document:documents:read'],
    environmentIds: ['acme-prod'],
    expiresAt: new Date('2020-01-01T00:00:00Z'),
  });
});
afterAll(() => database.close());

beforeEach(() => {
  platform?.unsubscribe();
  clock = Date.parse('2026-06-01T12:00:00Z');
  dbCalls = 0;
  platform = createTestPlatform(database.db, {
    now: () => new Date(clock),
    getDb: async (): Promise<Db> => {
      dbCalls++;
      return database.db;
    },
    failedVerifications: new FailedVerifications({ limit: LIMIT, windowMs: 60_000 }),
  });
});

async function call(ip: string, token: string | null) {
  return readResponse(await platform.handle(platformRequest('acme-prod', DOCS, { token, ip })));
}

/** A well-formed token with a valid checksum that does not exist: its check needs the database. */
const unknownToken = () => generateToken().token;

it('answers 401 until the limit, then 429 with Retry-After for the rest of the minute', async () => {
  for (let i = 1; i < LIMIT; i++) expect((await call('10.0.0.1', unknownToken())).status).toBe(401);
  const blocked = await call('10.0.0.1', unknownToken());
  expect(blocked.status).toBe(429);
  expect(blocked.headers.get('retry-after')).toBe('60');
  expect(blocked.body).toEqual({ error: { code: 429, message: expect.stringMatching(/Too many failed authentications.*60 seconds/) } });
  expect(blocked.headers.get('cache-control')).toBe('no-store');

  clock += 45_000;
  const later = await call('10.0.0.1', 'not a token');
  expect(later.status).toBe(429);
  expect(later.headers.get('retry-after')).toBe('15');

  clock += 15_000;
  expect((await call('10.0.0.1', unknownToken())).status).toBe(401);
});

it('asks the database nothing for a blocked client', async () => {
  for (let i = 0; i < LIMIT; i++) await call('10.0.0.2', unknownToken());
  const before = dbCalls;
  for (let i = 0; i < 20; i++) expect((await call('10.0.0.2', unknownToken())).status).toBe(429);
  expect(dbCalls).toBe(before);
});

it('counts every kind of 401 (missing, malformed, bad checksum, unknown)', async () => {
  const badChecksum = `${valid.token.slice(0, -1)}${valid.token.endsWith('A') ? 'B' : 'A'}`;
  const failures = [null, 'Bearer', 'dt0s16.short', badChecksum, unknownToken()];
  for (const token of failures.slice(0, LIMIT - 1)) expect((await call('10.0.0.3', token)).status).toBe(401);
  expect((await call('10.0.0.3', failures[LIMIT - 1] ?? null)).status).toBe(429);
});

it('does not count valid requests, nor refusals of valid tokens (403)', async () => {
  for (let i = 0; i < LIMIT * 4; i++) {
    expect((await call('10.0.0.4', valid.token)).status).toBe(200);
    expect((await call('10.0.0.4', expired.token)).status).toBe(403);
  }
  for (let i = 1; i < LIMIT; i++) expect((await call('10.0.0.4', unknownToken())).status).toBe(401);
});

it('keeps serving a blocked client its valid tokens that are verified from memory', async () => {
  expect((await call('10.0.0.5', valid.token)).status).toBe(200);
  for (let i = 0; i < LIMIT; i++) await call('10.0.0.5', unknownToken());
  expect((await call('10.0.0.5', unknownToken())).status).toBe(429);
  expect((await call('10.0.0.5', valid.token)).status).toBe(200);
  // A token that would need the database is refused until the window ends.
  expect((await call('10.0.0.5', expired.token)).status).toBe(429);
});

it('limits each client on its own', async () => {
  for (let i = 0; i < LIMIT; i++) await call('10.0.0.6', unknownToken());
  expect((await call('10.0.0.6', unknownToken())).status).toBe(429);
  expect((await call('10.0.0.7', unknownToken())).status).toBe(401);
  expect((await call('10.0.0.7', valid.token)).status).toBe(200);
});

it('counts an IPv6 /64 network as one client', async () => {
  for (let i = 0; i < LIMIT; i++) await call(`2001:db8:1:2::${(i + 1).toString(16)}`, unknownToken());
  expect((await call('2001:db8:1:2:ffff:ffff:ffff:ffff', unknownToken())).status).toBe(429);
  expect((await call('2001:db8:1:3::1', unknownToken())).status).toBe(401);
});

const failureRows = async (db: Db) =>
  Number(((await db.execute('select count(*)::int as n from failure_counts')) as unknown as { rows: { n: number }[] }).rows[0]?.n);

describe('counted in the table every instance shares', () => {
  beforeEach(async () => {
    await database.db.execute('delete from failure_counts');
  });

  const instance = (db: Db) =>
    createTestPlatform(db, {
      now: () => new Date(clock),
      failedVerifications: new FailedVerifications({ limit: LIMIT, windowMs: 60_000, store: new TableFailureStore(async () => db) }),
    });

  it('writes nothing for valid requests and refusals of valid tokens', async () => {
    const one = instance(database.db);
    try {
      for (let i = 0; i < 3; i++) {
        expect((await readResponse(await one.handle(platformRequest('acme-prod', DOCS, { token: valid.token, ip: '10.1.0.1' })))).status).toBe(200);
        expect((await readResponse(await one.handle(platformRequest('acme-prod', DOCS, { token: expired.token, ip: '10.1.0.1' })))).status).toBe(403);
      }
      expect(await failureRows(database.db)).toBe(0);
    } finally {
      one.unsubscribe();
    }
  });

  it('writes nothing more for a blocked client, whatever failure it sends', async () => {
    const store = new TableFailureStore(async () => database.db);
    let writes = 0;
    const fail = store.fail.bind(store);
    store.fail = (...args) => {
      writes++;
      return fail(...args);
    };
    const one = createTestPlatform(database.db, {
      now: () => new Date(clock),
      failedVerifications: new FailedVerifications({ limit: LIMIT, windowMs: 60_000, store }),
    });
    try {
      const send = async (authorization: string | null) =>
        readResponse(await one.handle(platformRequest('acme-prod', DOCS, { token: authorization, ip: '10.1.0.9' })));
      for (let i = 1; i < LIMIT; i++) expect((await send(null)).status).toBe(401);
      expect((await send(null)).status).toBe(429);
      expect(writes).toBe(LIMIT);
      // Refusals that need no lookup (no header, malformed, a bad checksum) come from memory once blocked.
      const badChecksum = `${valid.token.slice(0, -1)}${valid.token.endsWith('A') ? 'B' : 'A'}`;
      for (const token of [null, 'not a token', badChecksum, unknownToken()]) {
        const refused = await send(token);
        expect(refused.status).toBe(429);
        expect(refused.body).toEqual({ error: { code: 429, message: expect.stringMatching(/Too many failed authentications/) } });
      }
      expect(writes).toBe(LIMIT);
    } finally {
      one.unsubscribe();
    }
  });

  describe.skipIf(testBackend !== 'postgres')('two instances on one PostgreSQL database', () => {
    let other: Database;
    beforeAll(async () => {
      other = await openDatabase(testPostgresOptions(database.url!, 2));
    });
    afterAll(() => other.close());

    it('blocks a client on both once its failures on both together reach the limit', async () => {
      const first = instance(database.db);
      const second = instance(other.db);
      try {
        const guess = async (on: typeof first) =>
          (await readResponse(await on.handle(platformRequest('acme-prod', DOCS, { token: unknownToken(), ip: '10.1.0.2' })))).status;
        // Alternating, as a load balancer would send them: LIMIT failures in all, not LIMIT on each.
        const statuses: number[] = [];
        for (let i = 0; i < LIMIT; i++) statuses.push(await guess(i % 2 === 0 ? first : second));
        expect(statuses).toEqual([...Array(LIMIT - 1).fill(401), 429]);
        // The instance that saw the block refuses from memory; the other learns it from its next failure's count.
        expect(await guess(LIMIT % 2 === 0 ? first : second)).toBe(429);
        expect(await guess(LIMIT % 2 === 0 ? second : first)).toBe(429);
        expect(await guess(first)).toBe(429);
        expect(await guess(second)).toBe(429);
        // Another client is not affected on either.
        const bystander = await readResponse(await second.handle(platformRequest('acme-prod', DOCS, { token: unknownToken(), ip: '10.1.0.3' })));
        expect(bystander.status).toBe(401);
      } finally {
        first.unsubscribe();
        second.unsubscribe();
      }
    });
  });
});
