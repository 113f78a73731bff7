import { z } from 'zod';
import { storageRecords } from '@/lib/db/schema';
import { STORAGE_TABLE_READ_SCOPES, type StorageTable } from '../catalogue';
import { accepted, defineEndpoint, ok, type PlatformContext } from '../endpoint';
import { badRequest, PlatformError } from '../errors';
import type { Query } from '../query/ast';
import { executeQuery, QueryBoundError } from '../query/execute';
import { parseQuery } from '../query/parser';
import { QuerySyntaxError } from '../query/query-error';
import { parseTimestamp } from '../query/timestamps';
import { unstorableJson } from './storage-json';

// The storage service: ingest of events, business events and logs (a JSON object or an array of
// them), and `query:execute` over them with the query language of lib/platform/query. Every row
// carries its environment, and every query reads only the calling environment's rows.

export const MAX_INGEST_BYTES = 1024 * 1024;
export const MAX_RECORDS_PER_REQUEST = 1000;
const TABLE_ATTRIBUTE = 'storage:table' as const;

/** Checks the records of an ingest body and gives each its timestamp (ISO, UTC, milliseconds). */
export function prepareRecords(body: unknown, now: Date): { timestamp: Date; record: Record<string, unknown> }[] {
  const list = Array.isArray(body) ? body : [body];
  if (list.length === 0) throw badRequest('Invalid request body: the array is empty; send at least one record.');
  if (list.length > MAX_RECORDS_PER_REQUEST) {
    throw new PlatformError(413, `Too many records: at most ${MAX_RECORDS_PER_REQUEST} per request, got ${list.length}.`);
  }
  const where = (i: number) => (Array.isArray(body) ? `record ${i}` : 'the record');
  return list.map((item: unknown, i) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw badRequest(`Invalid request body: ${where(i)} must be a JSON object.`);
    }
    const record = { ...(item as Record<string, unknown>) };
    const problem = unstorableJson(record);
    if (problem) {
      const field = problem.path.length > 0 ? `field '${problem.path.join('.')}' ` : '';
      throw badRequest(`Invalid request body: ${where(i)}: ${field}${problem.message}.`);
    }
    let timestamp = now;
    if (record.timestamp !== undefined && record.timestamp !== null) {
      const parsed = parseTimestamp(record.timestamp);
      if (!parsed) {
        throw badRequest(
          `Invalid request body: ${where(i)}: field 'timestamp' must be an ISO 8601 date-time or milliseconds since 1970, between 1970 and 9999.`,
        );
      }
      timestamp = parsed;
    }
    record.timestamp = timestamp.toISOString();
    return { timestamp, record };
  });
}

/** Stores the records in the environment's table; returns how many. */
export async function ingestRecords(ctx: Pick<PlatformContext, 'db' | 'environmentId' | 'now'>, table: StorageTable, body: unknown): Promise<number> {
  const records = prepareRecords(body, ctx.now);
  await ctx.db.insert(storageRecords).values(records.map((r) => ({ environmentId: ctx.environmentId, table, ...r })));
  return records.length;
}

const ingested = z.object({ table: z.enum(['events', 'bizevents', 'logs']), ingested: z.int().min(1) });

function ingestEndpoint(
  table: StorageTable,
  scope: 'storage:events:write' | 'storage:bizevents:write' | 'storage:logs:write',
  summary: string,
  example: unknown,
) {
  return defineEndpoint({
    id: `storage.${table}.ingest`,
    service: 'storage',
    method: 'POST',
    path: `/storage/ingest/v1/${table}`,
    scopes: [scope],
    summary,
    requestBody: 'A JSON object or an array of them',
    body: z.unknown(),
    maxBodyBytes: MAX_INGEST_BYTES,
    exampleBody: example,
    responses: { 202: { description: 'Stored; the answer says how many records.', schema: ingested } },
    async handle({ body }, ctx) {
      return accepted({ table, ingested: await ingestRecords(ctx, table, body) });
    },
  });
}

export const ingestEvents = ingestEndpoint('events', 'storage:events:write', 'Ingest events', {
  'event.type': 'deployment',
  service: 'checkout',
  version: '1.4.2',
});
export const ingestBizevents = ingestEndpoint('bizevents', 'storage:bizevents:write', 'Ingest business events', [
  { 'event.type': 'purchase', amount: 42.5, currency: 'EUR' },
  { 'event.type': 'refund', amount: 10, currency: 'EUR' },
]);
export const ingestLogs = ingestEndpoint('logs', 'storage:logs:write', 'Ingest logs', { loglevel: 'ERROR', content: 'Payment service timed out' });

export const queryBody = z.object({
  query: z
    .string({ error: 'is required and must be a string' })
    .min(1, 'must not be empty')
    .superRefine((text, ctx) => {
      try {
        parseQuery(text);
      } catch (error) {
        if (!(error instanceof QuerySyntaxError)) throw error;
        ctx.addIssue({ code: 'custom', message: error.message });
      }
    }),
});

/** Parses a query; a syntax error becomes a 400 that points at its position. */
export function parseRequestQuery(text: string): Query {
  try {
    return parseQuery(text);
  } catch (error) {
    if (error instanceof QuerySyntaxError) throw badRequest(`Invalid request body field 'query': ${error.message}`);
    throw error;
  }
}

export function queryAttributes(query: Query) {
  return { [TABLE_ATTRIBUTE]: query.table };
}

const fieldType = z.enum(['boolean', 'string', 'double', 'long', 'timestamp', 'array', 'record', 'undefined']);

// The answer of query:execute and query:poll as the original platform has it (and its SDK,
// @dynatrace-sdk/client-query, reads it): a state, a request token for query:poll, and the result
// with its records, the type of each field and metadata; `metadata` adds this portal's own
// (table, columns, truncated, …) beside `grail`.
export const queryResult = z.object({
  records: z.array(z.record(z.string(), z.unknown())),
  types: z.array(z.object({ indexRange: z.tuple([z.int(), z.int()]), mappings: z.record(z.string(), z.object({ type: fieldType })) })),
  metadata: z.object({
    grail: z.object({ query: z.string(), canonicalQuery: z.string(), queryId: z.string(), executionTimeMilliseconds: z.int().min(0) }),
    table: z.enum(['events', 'bizevents', 'logs']),
    columns: z.array(z.string()).nullable().meta({ description: 'The columns in order, when the query names them' }),
    returnedRecords: z.int().min(0),
    truncated: z.boolean(),
    maxRecords: z.int().min(1),
  }),
});

const queryResponse = z
  .object({
    state: z.literal('SUCCEEDED'),
    requestToken: z.string().meta({ description: 'Pass to query:poll to read the same query again' }),
    ttlSeconds: z.int(),
    progress: z.literal(100),
    result: queryResult,
  })
  .meta({ id: 'QueryResponse' });

type FieldType = z.infer<typeof fieldType>;

const ISO_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

function typeOf(value: unknown): FieldType {
  if (value === null || value === undefined) return 'undefined';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'long' : 'double';
  if (typeof value === 'string') return ISO_TIMESTAMP.test(value) ? 'timestamp' : 'string';
  return Array.isArray(value) ? 'array' : 'record';
}

/** The type of each field, for runs of records whose fields have the same types (as the original groups them). */
function recordTypes(records: readonly Record<string, unknown>[]) {
  const ranges: { indexRange: [number, number]; mappings: Record<string, { type: FieldType }> }[] = [];
  let signature = '';
  records.forEach((record, i) => {
    const mappings: Record<string, { type: FieldType }> = {};
    for (const [key, value] of Object.entries(record)) mappings[key] = { type: typeOf(value) };
    const next = JSON.stringify(mappings);
    const last = ranges.at(-1);
    if (last && next === signature) last.indexRange[1] = i;
    else ranges.push({ indexRange: [i, i], mappings });
    signature = next;
  });
  return ranges;
}

/** Runs a query once `storage:buckets:read` is settled; the table's read scope is checked here. */
export async function runQuery(ctx: PlatformContext, query: Query, text: string) {
  ctx.authorize(STORAGE_TABLE_READ_SCOPES[query.table]);
  const started = performance.now();
  let result: Awaited<ReturnType<typeof executeQuery>>;
  try {
    result = await executeQuery(ctx.db, ctx.environmentId, query);
  } catch (error) {
    if (error instanceof QueryBoundError) throw badRequest(error.message);
    throw error;
  }
  const requestToken = queryRequestToken(text);
  return {
    state: 'SUCCEEDED' as const,
    requestToken,
    ttlSeconds: REQUEST_TOKEN_TTL_SECONDS,
    progress: 100 as const,
    result: {
      records: result.records,
      types: recordTypes(result.records),
      metadata: {
        grail: { query: text, canonicalQuery: text, queryId: requestToken, executionTimeMilliseconds: Math.round(performance.now() - started) },
        table: query.table,
        columns: result.columns ? [...result.columns] : null,
        returnedRecords: result.records.length,
        truncated: result.truncated,
        maxRecords: result.cap,
      },
    },
  };
}

// A query answers at once, so query:poll has nothing to wait for: its request token is the query
// itself, and polling runs it again, with the polling token's permissions. Nothing is kept.
const REQUEST_TOKEN_TTL_SECONDS = 3600;
const requestTokenValue = z.object({ q: z.string() });

function queryRequestToken(text: string): string {
  return Buffer.from(JSON.stringify({ q: text }), 'utf8').toString('base64url');
}

function queryOfRequestToken(token: string): string {
  try {
    const parsed = requestTokenValue.safeParse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data.q;
  } catch {
    // falls through to the refusal below
  }
  throw badRequest("Invalid query parameter 'request-token': is not a request token of query:execute.");
}

export const executeStorageQuery = defineEndpoint({
  id: 'storage.query.execute',
  service: 'storage',
  method: 'POST',
  path: '/storage/query/v1/query:execute',
  scopes: ['storage:buckets:read'],
  perRequestScopes: Object.values(STORAGE_TABLE_READ_SCOPES),
  summary: 'Run a storage query',
  description: 'Also needs the read scope of the fetched table: storage:events:read, storage:bizevents:read or storage:logs:read.',
  requestBody: 'JSON object with query, e.g. "fetch logs | limit 10"',
  body: queryBody,
  exampleBody: { query: 'fetch bizevents | filter event.type == "purchase" | summarize count(), by: {currency}' },
  // The table decides the policy attribute, so the query is parsed before any permission check.
  attributes: ({ body }) => queryAttributes(parseRequestQuery(body.query)),
  responses: { 200: { description: 'The query has run: its records, the type of each field, and what they are.', schema: queryResponse } },
  async handle({ body }, ctx) {
    return ok(await runQuery(ctx, parseRequestQuery(body.query), body.query));
  },
});

export const pollStorageQuery = defineEndpoint({
  id: 'storage.query.poll',
  service: 'storage',
  method: 'GET',
  path: '/storage/query/v1/query:poll',
  scopes: ['storage:buckets:read'],
  perRequestScopes: Object.values(STORAGE_TABLE_READ_SCOPES),
  summary: 'Read the result of a storage query',
  description:
    'The result of the query:execute that gave the request token, finished. Also needs the read scope of the fetched table: storage:events:read, storage:bizevents:read or storage:logs:read.',
  query: z.object({
    'request-token': z.string({ error: 'is required: the requestToken of query:execute' }).max(20_000, 'is not a request token of query:execute'),
    'request-timeout-milliseconds': z.string().optional(),
    enrich: z.string().optional(),
  }),
  attributes: ({ query }) => queryAttributes(parseRequestQuery(queryOfRequestToken(query['request-token']))),
  responses: { 200: { description: 'The finished query: its records, the type of each field, and what they are.', schema: queryResponse } },
  async handle({ query }, ctx) {
    const text = queryOfRequestToken(query['request-token']);
    return ok(await runQuery(ctx, parseRequestQuery(text), text));
  },
});

export const storageEndpoints = [ingestEvents, ingestBizevents, ingestLogs, executeStorageQuery, pollStorageQuery];
