import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageRecords } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import type { StorageTable } from '@/lib/platform/catalogue';
import { evaluateInMemory, type StoredRecord } from './evaluate-in-memory';
import { compileQuery, recordScan } from './compile-sql';
import { EMBEDDED_SCAN_LIMIT, executeQuery, QueryBoundError, QueryTimeoutError } from './execute';
import { parseQuery } from './parser';
import type { JsonRecord } from './semantics';

let database: TestDatabase;

/** A small deterministic generator, so that a failure can be reproduced. */
function generator(seed: number) {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  return {
    next,
    int: (max: number) => Math.floor(next() * max),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
  };
}

const STATUSES = ['ok', 'fail', 'Ok', 'ünï', '😀', '', 'a😀', 'a\uffff'];
const TYPES = ['purchase', 'refund', 'view'];

function randomRecord(g: ReturnType<typeof generator>, i: number): JsonRecord {
  const record: JsonRecord = { seq: i };
  const status = g.int(10);
  if (status < 7) record.status = g.pick(STATUSES);
  else if (status === 7) record.status = null;
  else if (status === 8) record.status = g.int(3);
  const n = g.int(8);
  if (n < 5) record.n = g.int(7) - 3 + (g.next() < 0.3 ? 0.5 : 0);
  else if (n === 5) record.n = String(g.int(5));
  else if (n === 6) record.n = g.next() < 0.5;
  // Dynatrace-style flat keys with dots, and the same name as a nested path.
  const kind = g.int(3);
  if (kind === 0) record['event.type'] = g.pick(TYPES);
  else if (kind === 1) record.event = { type: g.pick(TYPES), items: [g.int(3), g.int(3)] };
  if (g.next() < 0.5) record.flag = g.next() < 0.5;
  return record;
}

const stored: Record<StorageTable, StoredRecord[]> = { events: [], bizevents: [], logs: [] };

beforeAll(async () => {
  database = await createTestDatabase();
  const g = generator(7);
  const base = Date.UTC(2024, 0, 1);
  const rows = Array.from({ length: 80 }, (_, i) => {
    // Few distinct timestamps, so that ties are common.
    const timestamp = new Date(base + g.int(12) * 60_000);
    return { environmentId: i % 5 === 0 ? 'acme-staging' : 'acme-prod', table: 'bizevents' as const, timestamp, record: { ...randomRecord(g, i), timestamp: timestamp.toISOString() } };
  });
  const inserted = await database.db.insert(storageRecords).values(rows).returning({ id: storageRecords.id });
  rows.forEach((row, i) => {
    if (row.environmentId === 'acme-prod') stored.bizevents.push({ id: inserted[i]!.id, timestamp: row.timestamp, record: row.record as JsonRecord });
  });
  // Another table and another account's environment must never show up.
  await database.db.insert(storageRecords).values([
    { environmentId: 'acme-prod', table: 'logs', timestamp: new Date(base), record: { status: 'ok', timestamp: new Date(base).toISOString() } },
    { environmentId: 'globex-prod', table: 'bizevents', timestamp: new Date(base), record: { status: 'ok', timestamp: new Date(base).toISOString() } },
  ]);
});

afterAll(async () => {
  await database?.close();
});

async function both(text: string) {
  const query = parseQuery(text);
  // One SQL statement (as on PostgreSQL) and paced in memory (as on the embedded database), on
  // either database: the same answer, and that of the reference over all the records.
  const result = await executeQuery(database.db, 'acme-prod', query, { strategy: 'statement' });
  const paced = await executeQuery(database.db, 'acme-prod', query, { strategy: 'paced' });
  expect(paced, text).toEqual(result);
  const expected = (await evaluateInMemory(query, stored[query.table])).slice(0, result.cap);
  return { result, expected };
}

const FIXED = [
  'fetch bizevents',
  'fetch bizevents | limit 3',
  'fetch bizevents | filter status == "ok"',
  'fetch bizevents | filter status != "ok"',
  'fetch bizevents | filter status == null',
  'fetch bizevents | filter status != null | sort status desc',
  'fetch bizevents | filter n > 0 and n <= 2.5',
  'fetch bizevents | filter n == 1',
  'fetch bizevents | filter n < "3"',
  'fetch bizevents | filter n == true',
  'fetch bizevents | filter flag != false',
  'fetch bizevents | filter status >= "a" | sort status',
  'fetch bizevents | filter contains(status, "😀")',
  'fetch bizevents | filter contains(status, "")',
  'fetch bizevents | filter event.type == "refund"',
  'fetch bizevents | filter event.items.1 == 2',
  'fetch bizevents | filter timestamp >= "2024-01-01T00:05:00Z" and timestamp < 1704068400000',
  'fetch bizevents | filter timestamp == "2024-01-01T00:03"',
  'fetch bizevents | filter timestamp != "2024-01-01T00:03"',
  'fetch bizevents | sort timestamp asc | limit 7',
  'fetch bizevents | sort timestamp asc, seq desc',
  'fetch bizevents | sort n desc, status',
  'fetch bizevents | sort flag | limit 10 | fields seq, flag',
  'fetch bizevents | fields seq, event.type, missing',
  'fetch bizevents | fields status | filter status == null',
  'fetch bizevents | summarize count()',
  'fetch bizevents | filter seq < 0 | summarize count()',
  'fetch bizevents | filter seq < 0 | summarize count(), by: {status}',
  'fetch bizevents | summarize count(), by: {status}',
  'fetch bizevents | summarize total = count(), by: {event.type, flag} | sort total desc, event.type',
  'fetch bizevents | summarize count(), by: {n} | filter `count()` > 2',
  'fetch bizevents | limit 20 | summarize count(), by: {status} | limit 3',
  'fetch bizevents | sort seq desc | limit 5 | sort seq asc',
  'fetch bizevents | filter flag == true | sort n | filter n != null | limit 4',
  'fetch bizevents | fields timestamp, seq | filter timestamp > "2024-01-01T00:06:00.000Z"',
  'fetch bizevents | limit 0',
  'fetch bizevents, from:"2024-01-01T00:03:00Z", to:"2024-01-01T00:08:00Z"',
  'fetch bizevents, timeframe:"2024-01-01T00:05:00Z/2024-01-01T00:06:00Z" | sort seq',
  'fetch bizevents, from:"2024-01-01T00:09:00Z" | summarize count(), by: {status}',
  'fetch bizevents, to:toTimestamp("2024-01-01T00:02:00Z") | sort timestamp asc, seq | limit 4',
  'fetch bizevents | filter timestamp >= toTimestamp("2024-01-01T00:04:00Z") and timestamp < timestamp("2024-01-01T00:07")',
  'fetch bizevents | fields timestamp, seq | filter timestamp < toTimestamp("2024-01-01T00:01:00Z")',
];

describe('executeQuery', () => {
  it.each(FIXED)('matches the reference semantics: %s', async (text) => {
    const { result, expected } = await both(text);
    expect(result.records).toEqual(expected);
  });

  it('reads the timeframe from its start up to, not including, its end; now() is the time given', async () => {
    const inRange = (start: string, end: string) =>
      stored.bizevents.filter((s) => s.timestamp.getTime() >= Date.parse(start) && s.timestamp.getTime() < Date.parse(end)).length;
    const count = async (text: string, now: Date) => {
      const query = parseQuery(text, { now });
      const statement = await executeQuery(database.db, 'acme-prod', query, { strategy: 'statement' });
      const paced = await executeQuery(database.db, 'acme-prod', query, { strategy: 'paced' });
      expect(paced, text).toEqual(statement);
      return statement.records;
    };
    const now = new Date('2024-01-01T00:08:00Z');
    expect(inRange('2024-01-01T00:03:00Z', '2024-01-01T00:08:00Z')).toBeGreaterThan(0);
    expect(await count('fetch bizevents, from:now()-5m | summarize count()', now)).toEqual([{ 'count()': inRange('2024-01-01T00:03:00Z', '2024-01-01T00:08:00Z') }]);
    expect(await count('fetch bizevents, from:-5m, to:-1m | summarize count()', now)).toEqual([{ 'count()': inRange('2024-01-01T00:03:00Z', '2024-01-01T00:07:00Z') }]);
    expect(await count('fetch bizevents | filter timestamp >= now() - 3m | summarize count()', now)).toEqual([
      { 'count()': inRange('2024-01-01T00:05:00Z', '9999-01-01T00:00:00Z') },
    ]);
    // A timeframe before every record reads none; the newest records come first within it.
    expect(await count('fetch bizevents, to:"2023-12-31T23:59:59Z"', now)).toEqual([]);
    const newest = await count('fetch bizevents, from:-10m | fields timestamp | limit 1', now);
    const latest = stored.bizevents.filter((s) => s.timestamp < now).reduce((a, b) => (b.timestamp > a.timestamp ? b : a));
    expect(newest).toEqual([{ timestamp: latest.timestamp.toISOString() }]);
  });

  it("carries at most the request's maxResultRecords, up to 10,000, and says when more matched", async () => {
    for (const strategy of ['statement', 'paced'] as const) {
      const three = await executeQuery(database.db, 'acme-prod', parseQuery('fetch bizevents | sort seq'), { strategy, maxResultRecords: 3 });
      expect(three).toMatchObject({ cap: 3, truncated: true });
      expect(three.records.map((r) => r.seq)).toEqual([...stored.bizevents].map((s) => s.record.seq as number).sort((a, b) => a - b).slice(0, 3));
      const all = await executeQuery(database.db, 'acme-prod', parseQuery('fetch bizevents | limit 5'), { strategy, maxResultRecords: 50_000 });
      expect(all).toMatchObject({ cap: 10_000, truncated: false });
      expect(all.records).toHaveLength(5);
    }
  });

  it('reads only the environment and table it is asked for', async () => {
    const { result } = await both('fetch bizevents | summarize count()');
    expect(result.records).toEqual([{ 'count()': stored.bizevents.length }]);
    const logs = await executeQuery(database.db, 'acme-prod', parseQuery('fetch logs'));
    expect(logs.records).toHaveLength(1);
    const globex = await executeQuery(database.db, 'globex-prod', parseQuery('fetch bizevents | summarize count()'));
    expect(globex.records).toEqual([{ 'count()': 1 }]);
  });

  it('returns the records of fields and summarize with their keys in the written order', async () => {
    const { result } = await both('fetch bizevents | summarize total = count(), by: {status} | limit 1');
    expect(Object.keys(result.records[0]!)).toEqual(['status', 'total']);
    expect(result.columns).toEqual(['status', 'total']);
    const fields = await both('fetch bizevents | fields seq, a_long_field_name, b');
    expect(Object.keys(fields.result.records[0]!)).toEqual(['seq', 'a_long_field_name', 'b']);
  });

  it('caps the result at 1,000 records without a limit and says it was truncated', async () => {
    const rows = Array.from({ length: 1_005 }, (_, i) => ({
      environmentId: 'acme-staging',
      table: 'logs' as const,
      timestamp: new Date(Date.UTC(2024, 1, 1) + i),
      record: { i },
    }));
    await database.db.insert(storageRecords).values(rows);
    const all = await executeQuery(database.db, 'acme-staging', parseQuery('fetch logs'));
    expect(all.records).toHaveLength(1_000);
    expect(all.truncated).toBe(true);
    expect(all.records[0]).toEqual({ i: 1_004 });
    const limited = await executeQuery(database.db, 'acme-staging', parseQuery('fetch logs | limit 1005'));
    expect(limited.records).toHaveLength(1_005);
    expect(limited.truncated).toBe(false);
  });

  it('walks the index and stops at the limit instead of sorting the whole table', async () => {
    await database.db.execute(sql`insert into storage_records (environment_id, "table", "timestamp", record)
      select 'globex-prod', 'events', timestamptz '2025-01-01' + (i || ' seconds')::interval, jsonb_build_object('i', i) from generate_series(1, 20000) i`);
    await database.db.execute(sql`analyze storage_records`);
    for (const text of [
      'fetch events | limit 10',
      'fetch events | filter i > 5 | limit 10',
      'fetch events | sort timestamp desc | limit 10',
      'fetch events, from:"2025-01-01T01:00:00Z", to:"2025-01-01T03:00:00Z" | limit 10',
    ]) {
      const { statement } = compileQuery(parseQuery(text), 'globex-prod');
      const result = await database.db.execute(sql`explain ${statement}`);
      const plan = (result as unknown as { rows: { 'QUERY PLAN': string }[] }).rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(plan, text).toContain('Index Scan using storage_records_env_table_time_idx');
      expect(plan, text).not.toMatch(/\bSort\b/);
    }
    // So does each batch the embedded database reads, from the newest and after a record.
    const scan = recordScan(parseQuery('fetch events | filter timestamp > "2025-01-01T01:00:00Z" | sort i'), 'globex-prod');
    for (const after of [null, { timestamp: new Date('2025-01-01T03:00:00Z'), id: 12_345 }]) {
      const result = await database.db.execute(sql`explain ${scan.batch(after, 1_000)}`);
      const plan = (result as unknown as { rows: { 'QUERY PLAN': string }[] }).rows.map((r) => r['QUERY PLAN']).join('\n');
      // Only the batch's own 1,000 records are ever sorted (to aggregate them in order).
      expect(plan).toMatch(/Limit[^\n]*\n\s*->\s*Index Scan using storage_records_env_table_time_idx/);
    }
  });

  // One statement stopped at its bound ends this file's in-memory embedded database for good
  // (storage-bounds.test.ts stops one on a database that is reopened); a paced query only stops itself.
  it('stops a query that runs longer than its timeout, and a paced one that reads more records than it may hold', { timeout: 300_000 }, async () => {
    await database.db.execute(sql`insert into storage_records (environment_id, "table", "timestamp", record)
      select 'acme-staging', 'events', timestamptz '2025-06-01' + (i || ' milliseconds')::interval, jsonb_build_object('i', i, 'text', md5(i::text))
      from generate_series(1, ${EMBEDDED_SCAN_LIMIT + 1}) i`);
    const query = parseQuery('fetch events | sort text desc, i | limit 1');
    const strategies = testBackend === 'pglite' ? (['paced'] as const) : (['statement', 'paced'] as const);
    for (const strategy of strategies) {
      await expect(executeQuery(database.db, 'acme-staging', query, { timeoutMs: 1, strategy })).rejects.toThrow(
        new QueryTimeoutError('The query ran longer than 0.001 seconds and was cancelled. Narrow it with filter or limit.'),
      );
    }
    if (testBackend === 'postgres') expect((await executeQuery(database.db, 'acme-staging', query)).records).toHaveLength(1);
    // Given time enough, it is refused for the records it reads.
    await expect(executeQuery(database.db, 'acme-staging', query, { strategy: 'paced', timeoutMs: 120_000 })).rejects.toThrow(
      new QueryBoundError(
        'The query reads more than 50,000 records, the most one query reads on the embedded database. Narrow it with a filter on timestamp right after fetch, or query the newest records with limit right after fetch.',
      ),
    );
    // Narrowed by timestamp, or the newest records only, it is read in batches and answered.
    const narrowed = await executeQuery(
      database.db,
      'acme-staging',
      parseQuery('fetch events | filter timestamp >= "2025-06-01T00:00:40Z" | sort text desc, i | limit 1'),
      { strategy: 'paced', timeoutMs: 120_000 },
    );
    const expected = await executeQuery(
      database.db,
      'acme-staging',
      parseQuery('fetch events | filter timestamp >= "2025-06-01T00:00:40Z" | sort text desc, i | limit 1'),
      { strategy: testBackend === 'postgres' ? 'statement' : 'paced', timeoutMs: 120_000 },
    );
    expect(narrowed.records).toEqual([{ i: expect.any(Number), text: expect.any(String) }]);
    expect(narrowed).toEqual(expected);
    const newest = await executeQuery(database.db, 'acme-staging', parseQuery('fetch events | limit 5000 | summarize count()'), {
      strategy: 'paced',
      timeoutMs: 120_000,
    });
    expect(newest.records).toEqual([{ 'count()': 5_000 }]);
  });

  it('matches the reference semantics on random pipelines', async () => {
    const g = generator(2024);
    const fields = ['status', 'n', 'event.type', 'flag', 'seq', 'timestamp', 'missing', 'event.items.0'];
    const literal = () =>
      g.pick([
        () => JSON.stringify(g.pick(STATUSES)),
        () => String(g.int(7) - 3),
        () => '0.5',
        () => g.pick(['true', 'false', 'null']),
        () => JSON.stringify(g.pick(TYPES)),
        () => '"2024-01-01T00:04:00Z"',
        () => 'toTimestamp("2024-01-01T00:06:00Z")',
        () => 'now() - 1d',
      ])();
    const condition = () => {
      if (g.next() < 0.15) return `contains(${g.pick(fields)}, ${JSON.stringify(g.pick(['o', 'ü', '😀', '']))})`;
      const value = literal();
      const ordering = !['true', 'false', 'null'].includes(value);
      const operator = ordering ? g.pick(['==', '!=', '<', '<=', '>', '>=']) : g.pick(['==', '!=']);
      return `${g.pick(fields)} ${operator} ${value}`;
    };
    const command = () =>
      g.pick([
        () => `filter ${Array.from({ length: 1 + g.int(2) }, condition).join(' and ')}`,
        () => `sort ${Array.from({ length: 1 + g.int(2) }, () => `${g.pick(fields)} ${g.pick(['asc', 'desc'])}`).join(', ')}`,
        () => `limit ${g.int(30)}`,
        () => `fields ${[...new Set(Array.from({ length: 1 + g.int(3) }, () => g.pick(fields)))].join(', ')}`,
        () => `summarize count(), by: {${[...new Set(Array.from({ length: 1 + g.int(2) }, () => g.pick(fields)))].join(', ')}}`,
      ])();
    for (let i = 0; i < 250; i++) {
      const text = ['fetch bizevents', ...Array.from({ length: g.int(5) }, command)].join(' | ');
      const { result, expected } = await both(text);
      expect(result.records, text).toEqual(expected);
    }
  });
});
