import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transactWithChanges } from '@/lib/changes';
import { groupMembers, groups, policies, policyBindings, storageRecords, users } from '@/lib/db/schema';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { createTestPlatform, insertTestToken, platformRequest, readResponse } from '../testing';

let database: TestDatabase;
let platform: ReturnType<typeof createTestPlatform>;
const NOW = new Date('2025-03-01T10:00:00.000Z');

beforeAll(async () => {
  database = await createTestDatabase();
  platform = createTestPlatform(database.db, { now: () => NOW });
});
afterAll(async () => {
  platform.unsubscribe();
  await database.close();
});

async function call(environmentId: string, path: string, token: string, body?: unknown) {
  return readResponse(await platform.handle(platformRequest(environmentId, path, { method: 'POST', token, body })));
}

const message = (r: { body: Record<string, unknown> }) => (r.body.error as { message: string }).message;
const ALL_STORAGE = ['storage:buckets:read', 'storage:bizevents:read', 'storage:bizevents:write', 'storage:logs:read', 'storage:logs:write', 'storage:events:write'];

describe('storage ingest', () => {
  it('stores an object or an array, each record with a timestamp', async () => {
    const { token } = await insertTestToken(database.db, { scopes: ALL_STORAGE, environmentIds: ['acme-prod'] });
    const one = await call('acme-prod', '/storage/ingest/v1/logs', token, { content: 'started', loglevel: 'INFO' });
    expect(one).toMatchObject({ status: 202, body: { table: 'logs', ingested: 1 } });
    const many = await call('acme-prod', '/storage/ingest/v1/bizevents', token, [
      { 'event.type': 'purchase', amount: 10, timestamp: '2025-02-01T08:00:00+01:00' },
      { 'event.type': 'purchase', amount: 5, timestamp: 1738400000000 },
    ]);
    expect(many).toMatchObject({ status: 202, body: { table: 'bizevents', ingested: 2 } });
    const rows = await database.db.select().from(storageRecords).where(eq(storageRecords.environmentId, 'acme-prod'));
    const records = rows.map((r) => r.record);
    expect(records).toContainEqual({ content: 'started', loglevel: 'INFO', timestamp: NOW.toISOString() });
    expect(records).toContainEqual({ 'event.type': 'purchase', amount: 10, timestamp: '2025-02-01T07:00:00.000Z' });
    expect(records).toContainEqual({ 'event.type': 'purchase', amount: 5, timestamp: '2025-02-01T08:53:20.000Z' });
    expect(rows.find((r) => r.record.amount === 5)?.timestamp.toISOString()).toBe('2025-02-01T08:53:20.000Z');
  });

  it.each([
    ['an empty array', [], 400, 'the array is empty'],
    ['a JSON string', '"text"', 400, 'the record must be a JSON object'],
    ['an array in an array', [{ a: 1 }, [1]], 400, 'record 1 must be a JSON object'],
    ['a timestamp in words', [{ a: 1 }, { timestamp: 'yesterday' }], 400, "record 1: field 'timestamp' must be an ISO 8601 date-time"],
    ['a timestamp before 1970', { timestamp: '1960-01-01T00:00:00Z' }, 400, "field 'timestamp'"],
    ['U+0000 in a string', { text: 'a\u0000b' }, 400, "the record: field 'text' must not contain the character U+0000"],
    ['a lone surrogate', { nested: { bad: '\ud800' } }, 400, "field 'nested.bad' must not contain an unpaired UTF-16 surrogate"],
    ['1001 records', Array.from({ length: 1001 }, () => ({})), 413, 'at most 1000 per request, got 1001'],
  ])('refuses %s with %i, storing nothing', async (_label, body, status, text) => {
    const { token } = await insertTestToken(database.db, { scopes: ALL_STORAGE });
    const before = await database.db.$count(storageRecords);
    const response = await call('acme-staging', '/storage/ingest/v1/events', token, body);
    expect(response.status).toBe(status);
    expect(message(response)).toContain(text);
    expect(await database.db.$count(storageRecords)).toBe(before);
  });

  it('refuses a body over 1 MiB with 413 and unparseable JSON with 400', async () => {
    const { token } = await insertTestToken(database.db, { scopes: ALL_STORAGE });
    const big = await call('acme-prod', '/storage/ingest/v1/logs', token, JSON.stringify({ content: 'x'.repeat(1024 * 1024) }));
    expect(big.status).toBe(413);
    const broken = await call('acme-prod', '/storage/ingest/v1/logs', token, '{"content": ');
    expect(broken.status).toBe(400);
    expect(message(broken)).toContain('not valid JSON');
  });

  it('needs the write scope of the table', async () => {
    const { token } = await insertTestToken(database.db, { scopes: ['storage:logs:write'] });
    const response = await call('acme-prod', '/storage/ingest/v1/bizevents', token, { a: 1 });
    expect(response.status).toBe(403);
    expect(message(response)).toContain('storage:bizevents:write');
  });
});

describe('storage query:execute', () => {
  const QUERY = '/storage/query/v1/query:execute';

  beforeAll(async () => {
    const { token } = await insertTestToken(database.db, { scopes: ALL_STORAGE });
    await call('acme-staging', '/storage/ingest/v1/bizevents', token, [
      { 'event.type': 'purchase', amount: 30, currency: 'EUR', timestamp: '2025-01-01T00:00:01Z' },
      { 'event.type': 'purchase', amount: 12, currency: 'USD', timestamp: '2025-01-01T00:00:02Z' },
      { 'event.type': 'refund', amount: 4, currency: 'EUR', timestamp: '2025-01-01T00:00:03Z' },
    ]);
    await call('globex-prod', '/storage/ingest/v1/bizevents', (await insertTestToken(database.db, { accountId: 'globex', owner: 'admin@example.com', scopes: ALL_STORAGE })).token, { 'event.type': 'purchase', amount: 999 });
  });

  it('returns the records as JSON, from this environment only', async () => {
    const { token } = await insertTestToken(database.db, { scopes: ['storage:buckets:read', 'storage:bizevents:read'] });
    const response = await call('acme-staging', QUERY, token, {
      query: 'fetch bizevents | filter event.type == "purchase" | sort amount desc | fields currency, amount',
    });
    expect(response.status).toBe(200);
    // As the original platform answers: finished, with a request token for query:poll.
    expect(response.body).toEqual({
      state: 'SUCCEEDED',
      requestToken: expect.any(String),
      ttlSeconds: 3600,
      progress: 100,
      result: {
        records: [
          { currency: 'EUR', amount: 30 },
          { currency: 'USD', amount: 12 },
        ],
        types: [{ indexRange: [0, 1], mappings: { currency: { type: 'string' }, amount: { type: 'long' } } }],
        metadata: {
          grail: expect.objectContaining({ query: 'fetch bizevents | filter event.type == "purchase" | sort amount desc | fields currency, amount' }),
          table: 'bizevents',
          columns: ['currency', 'amount'],
          returnedRecords: 2,
          truncated: false,
          maxRecords: 1000,
        },
      },
    });
    const summary = await call('acme-staging', QUERY, token, { query: 'fetch bizevents | summarize count(), by: {currency}' });
    expect((summary.body.result as { records: unknown[] }).records).toEqual([
      { currency: 'EUR', 'count()': 2 },
      { currency: 'USD', 'count()': 1 },
    ]);
  });

  it('points at the position of a syntax error', async () => {
    const { token } = await insertTestToken(database.db, { scopes: ['storage:buckets:read', 'storage:bizevents:read'] });
    const response = await call('acme-staging', QUERY, token, { query: 'fetch bizevents | filter amount => 3' });
    expect(response.status).toBe(400);
    expect(message(response)).toBe(
      "Invalid request body field 'query': Query error at line 1, column 33: expected a comparison (==, !=, <, <=, >, >=) but found '=' (use '==' to compare)",
    );
    const missing = await call('acme-staging', QUERY, token, {});
    expect(missing.status).toBe(400);
    expect(message(missing)).toContain("'query'");
  });

  const list = (n: number, item: (i: number) => string, separator = ', ') => Array.from({ length: n }, (_, i) => item(i)).join(separator);

  it.each([
    ['the query of 4,990 sort fields', `fetch logs | sort ${list(4_990, () => 'a', ',')}`, 'A query may sort by at most 10 fields (line 1, column 39).'],
    ['a query over 10,000 characters', `fetch logs | filter a == "${'x'.repeat(10_000)}"`, 'A query may be at most 10000 characters long.'],
    ['21 commands', `fetch logs${' | limit 5'.repeat(21)}`, 'A query may have at most 20 commands (line 1, column 214).'],
    ['51 filter conditions', `fetch logs | filter ${list(51, (i) => `n == ${i}`, ' and ')}`, 'A query may have at most 50 filter conditions (line 1, column 611).'],
    ['51 listed fields', `fetch logs | fields ${list(51, (i) => `f${i}`)}`, "A query's fields commands may list at most 50 fields (line 1, column 261)."],
    ['11 group fields', `fetch logs | summarize count(), by: {${list(11, (i) => `g${i}`)}}`, 'A query may group by at most 10 fields (line 1, column 78).'],
    ['a field name of 201 characters', `fetch logs | fields ${'f'.repeat(201)}`, 'A field name may be at most 200 characters long (line 1, column 21).'],
    ['a field of 11 parts', `fetch logs | sort ${list(11, (i) => `p${i}`, '.')}`, 'A field name may have at most 10 parts separated by dots (line 1, column 19).'],
    ['a string of 1,001 characters', `fetch logs | filter contains(content, "${'x'.repeat(1_001)}")`, 'A string in a query may be at most 1000 characters long (line 1, column 39).'],
    ['limit 10001', 'fetch logs | limit 10001', 'A limit may be at most 10000 (line 1, column 20).'],
  ])('refuses %s with a 400 naming the limit', async (_label, query, limit) => {
    const { token } = await insertTestToken(database.db, { scopes: ['storage:buckets:read', 'storage:logs:read'] });
    const response = await call('acme-staging', QUERY, token, { query });
    expect(response.status).toBe(400);
    expect(message(response)).toBe(`Invalid request body field 'query': ${limit}`);
  });

  it("needs storage:buckets:read and the fetched table's read scope", async () => {
    const noTable = await insertTestToken(database.db, { scopes: ['storage:buckets:read', 'storage:logs:read'] });
    const refused = await call('acme-staging', QUERY, noTable.token, { query: 'fetch bizevents' });
    expect(refused.status).toBe(403);
    expect(message(refused)).toContain("'storage:bizevents:read'");
    expect((await call('acme-staging', QUERY, noTable.token, { query: 'fetch logs' })).status).toBe(200);
    const noBuckets = await insertTestToken(database.db, { scopes: ['storage:bizevents:read'] });
    const refusedBuckets = await call('acme-staging', QUERY, noBuckets.token, { query: 'fetch bizevents' });
    expect(refusedBuckets.status).toBe(403);
    expect(message(refusedBuckets)).toContain("'storage:buckets:read'");
  });

  it("applies the owner's policies on the storage:table attribute, and refuses an owner without the table's read permission", async () => {
    // bob may query logs only: a DENY for other tables, and ci-bot has no storage permissions at all.
    const [bob] = await database.db.select({ id: users.id }).from(users).where(eq(users.email, 'bob@example.com'));
    await transactWithChanges(database.db, async (tx, publish) => {
      const [group] = await tx.insert(groups).values({ accountId: 'acme', name: 'Log readers only' }).returning();
      const [policy] = await tx
        .insert(policies)
        .values({ accountId: 'acme', name: 'Logs only', statements: 'DENY storage:buckets:read WHERE storage:table != "logs";' })
        .returning();
      await tx.insert(groupMembers).values({ groupId: group!.id, userId: bob!.id });
      await tx.insert(policyBindings).values({ groupId: group!.id, policyId: policy!.id });
      publish({ kind: 'account', accountId: 'acme' });
    });
    const { token } = await insertTestToken(database.db, { owner: 'bob@example.com', scopes: ALL_STORAGE });
    const denied = await call('acme-staging', QUERY, token, { query: 'fetch bizevents' });
    expect(denied.status).toBe(403);
    expect(message(denied)).toContain("lacks the permission 'storage:buckets:read'");
    expect((await call('acme-staging', QUERY, token, { query: 'fetch logs' })).status).toBe(200);

    const bot = await insertTestToken(database.db, { owner: 'ci-bot@service.example.com', creator: 'alice@example.com', scopes: ALL_STORAGE });
    const botResponse = await call('acme-staging', QUERY, bot.token, { query: 'fetch logs' });
    expect(botResponse.status).toBe(403);
    expect(message(botResponse)).toContain("lacks the permission 'storage:buckets:read'");
  });
});
