import { z } from 'zod';
import { STORAGE_TABLE_READ_SCOPES } from '../catalogue';
import { defineEndpoint, ok, type PlatformContext } from '../endpoint';
import { badRequest } from '../errors';
import type { Query, Timeframe } from '../query/ast';
import { executeQuery, QUERY_TIMEOUT_MS, QueryBoundError } from '../query/execute';
import { parseQuery, type ParseOptions } from '../query/parser';
import { QuerySyntaxError } from '../query/query-error';
import { TIMESTAMP_FIELD } from '../query/semantics';
import { MAX_TIMESTAMP, MIN_TIMESTAMP, parseTimestamp } from '../query/timestamps';
import { queryParameters } from '../query-parameters';

// The storage query endpoints as the original platform has them (and its SDK,
// @dynatrace-sdk/client-query, calls them): query:execute answers finished, with a request token
// that query:poll and query:cancel read the same finished result with; query:verify says whether
// a query parses. Queries use the language of lib/platform/query.

/** How the request asks for a query to run; a request token carries it for query:poll. */
interface QueryRequest {
  text: string;
  /** The instant of `now()`: when query:execute was called. */
  now: Date;
  /** The request's defaultTimeframeStart and defaultTimeframeEnd. */
  defaultTimeframe: Timeframe | null;
  maxResultRecords?: number;
  fetchTimeoutSeconds?: number;
  locale?: string;
}

// Zoneless times in a query are read as UTC; other time zones are refused rather than misread.
const UTC_ZONES = new Set(['utc', 'z', 'gmt', 'etc/utc', 'etc/gmt', 'etc/zulu', 'zulu', 'universal', 'etc/universal', '+00:00', '-00:00']);

const timestampText = z
  .string({ error: 'must be an ISO 8601 timestamp string' })
  .max(100, 'must be an ISO 8601 timestamp string')
  .refine((text) => parseTimestamp(text) !== null, 'must be an ISO 8601 timestamp between 1970 and 9999, e.g. "2024-05-01T12:00:00Z"');
const wholeNumber = (min: number) => z.int({ error: 'must be a whole number' }).min(min, `must be at least ${min}`);

/** Checks that the query parses, so that a bad one is a 400 naming the field `query` and the position. */
const queryText = z
  .string({ error: 'is required and must be a string' })
  .min(1, 'must not be empty')
  .superRefine((text, ctx) => {
    try {
      parseQuery(text);
    } catch (error) {
      if (!(error instanceof QuerySyntaxError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message });
    }
  });

const timezone = z
  .string({ error: 'must be a string' })
  .refine((zone) => UTC_ZONES.has(zone.toLowerCase()), 'only UTC is supported; times in a query without an offset are UTC');
const locale = z.string({ error: 'must be a string' }).max(100, 'must be at most 100 characters long');

export const queryBody = z
  .object({
    query: queryText,
    defaultTimeframeStart: timestampText.optional(),
    defaultTimeframeEnd: timestampText.optional(),
    timezone: timezone.optional(),
    locale: locale.optional(),
    maxResultRecords: wholeNumber(1).optional(),
    requestTimeoutMilliseconds: wholeNumber(0).optional(),
    fetchTimeoutSeconds: wholeNumber(1).optional(),
  })
  .refine(
    (body) => {
      const start = parseTimestamp(body.defaultTimeframeStart);
      const end = parseTimestamp(body.defaultTimeframeEnd);
      return !start || !end || start.getTime() < end.getTime();
    },
    { path: ['defaultTimeframeEnd'], error: 'must be after defaultTimeframeStart' },
  );

/** Parses a query; a syntax error becomes a 400 that points at its position. */
function parseRequestQuery(text: string, options?: ParseOptions): Query {
  try {
    return parseQuery(text, options);
  } catch (error) {
    if (error instanceof QuerySyntaxError) throw badRequest(`Invalid request body field 'query': ${error.message}`);
    throw error;
  }
}

function queryAttributes(query: Query) {
  return { 'storage:table': query.table } as const;
}

const fieldType = z.enum(['boolean', 'string', 'double', 'long', 'timestamp', 'array', 'record', 'undefined']);
const timeframeShape = z.object({ start: z.iso.datetime(), end: z.iso.datetime() });
const notification = z.object({ severity: z.enum(['INFO', 'WARN']), notificationType: z.string(), message: z.string() });

// The answer of query:execute, query:poll and query:cancel as the original platform has it: a
// state, a request token for query:poll, and the result with its records, the type of each field
// and metadata; `metadata` adds this portal's own (table, columns, truncated, …) beside `grail`.
export const queryResult = z.object({
  records: z.array(z.record(z.string(), z.unknown())),
  types: z.array(z.object({ indexRange: z.tuple([z.int(), z.int()]), mappings: z.record(z.string(), z.object({ type: fieldType })) })),
  metadata: z.object({
    grail: z.object({
      query: z.string(),
      canonicalQuery: z.string(),
      queryId: z.string(),
      executionTimeMilliseconds: z.int().min(0),
      analysisTimeframe: timeframeShape.meta({ description: 'The timeframe read, start inclusive, end exclusive' }),
      timezone: z.string(),
      locale: z.string(),
      notifications: z.array(notification),
    }),
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

function typeOf(key: string, value: unknown): FieldType {
  if (value === null || value === undefined) return 'undefined';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'long' : 'double';
  // Ingest keeps `timestamp` as an ISO string; any other string is text, as ingested.
  if (typeof value === 'string') return key === TIMESTAMP_FIELD && parseTimestamp(value) ? 'timestamp' : 'string';
  return Array.isArray(value) ? 'array' : 'record';
}

/** The type of each field, for runs of records whose fields have the same types (as the original groups them). */
function recordTypes(records: readonly Record<string, unknown>[]) {
  const ranges: { indexRange: [number, number]; mappings: Record<string, { type: FieldType }> }[] = [];
  let signature = '';
  records.forEach((record, i) => {
    const mappings: Record<string, { type: FieldType }> = {};
    for (const [key, value] of Object.entries(record)) mappings[key] = { type: typeOf(key, value) };
    const next = JSON.stringify(mappings);
    const last = ranges.at(-1);
    if (last && next === signature) last.indexRange[1] = i;
    else ranges.push({ indexRange: [i, i], mappings });
    signature = next;
  });
  return ranges;
}

/** Runs the request's query once `storage:buckets:read` is settled; the table's read scope is checked here. */
async function runQuery(ctx: PlatformContext, request: QueryRequest) {
  const query = parseRequestQuery(request.text, { now: request.now, defaultTimeframe: request.defaultTimeframe });
  ctx.authorize(STORAGE_TABLE_READ_SCOPES[query.table]);
  const started = performance.now();
  let result: Awaited<ReturnType<typeof executeQuery>>;
  try {
    result = await executeQuery(ctx.db, ctx.environmentId, query, {
      maxResultRecords: request.maxResultRecords,
      timeoutMs: request.fetchTimeoutSeconds === undefined ? QUERY_TIMEOUT_MS : Math.min(QUERY_TIMEOUT_MS, request.fetchTimeoutSeconds * 1000),
    });
  } catch (error) {
    if (error instanceof QueryBoundError) throw badRequest(error.message);
    throw error;
  }
  const requestToken = queryRequestToken(request);
  const analysed = query.timeframe ?? { start: new Date(MIN_TIMESTAMP), end: new Date(MAX_TIMESTAMP) };
  const notifications = result.truncated
    ? [{ severity: 'WARN' as const, notificationType: 'LIMIT_ADDED', message: `The result has been limited to ${result.cap} records.` }]
    : [];
  return {
    state: 'SUCCEEDED' as const,
    requestToken,
    ttlSeconds: REQUEST_TOKEN_TTL_SECONDS,
    progress: 100 as const,
    result: {
      records: result.records,
      types: recordTypes(result.records),
      metadata: {
        grail: {
          query: request.text,
          canonicalQuery: request.text,
          queryId: requestToken,
          executionTimeMilliseconds: Math.round(performance.now() - started),
          analysisTimeframe: { start: analysed.start.toISOString(), end: analysed.end.toISOString() },
          timezone: 'Z',
          locale: request.locale ?? 'und',
          notifications,
        },
        table: query.table,
        columns: result.columns ? [...result.columns] : null,
        returnedRecords: result.records.length,
        truncated: result.truncated,
        maxRecords: result.cap,
      },
    },
  };
}

// A query answers at once, so query:poll has nothing to wait for: its request token holds the
// request itself (the query, its `now()` and the request's options), and polling runs it again
// with the polling token's permissions, over the same timeframe. Nothing is kept.
const REQUEST_TOKEN_TTL_SECONDS = 3600;
const instantMs = z.int().min(MIN_TIMESTAMP).max(MAX_TIMESTAMP);
const requestTokenValue = z.object({
  q: z.string(),
  n: instantMs,
  tf: z.tuple([instantMs, instantMs]).optional(),
  max: z.int().min(1).optional(),
  ft: z.int().min(1).optional(),
  lc: z.string().max(100).optional(),
});

function queryRequestToken(request: QueryRequest): string {
  const value: z.infer<typeof requestTokenValue> = {
    q: request.text,
    n: request.now.getTime(),
    tf: request.defaultTimeframe ? [request.defaultTimeframe.start.getTime(), request.defaultTimeframe.end.getTime()] : undefined,
    max: request.maxResultRecords,
    ft: request.fetchTimeoutSeconds,
    lc: request.locale,
  };
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function requestOfToken(token: string): QueryRequest {
  try {
    const parsed = requestTokenValue.safeParse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
    if (parsed.success) {
      const { q, n, tf, max, ft, lc } = parsed.data;
      // query:execute only gives tokens of queries that parse; one whose query does not was made by hand.
      parseQuery(q);
      return {
        text: q,
        now: new Date(n),
        defaultTimeframe: tf ? { start: new Date(tf[0]), end: new Date(tf[1]) } : null,
        maxResultRecords: max,
        fetchTimeoutSeconds: ft,
        locale: lc,
      };
    }
  } catch {
    // falls through to the refusal below
  }
  throw badRequest("Invalid query parameter 'request-token': is not a request token of query:execute.");
}

/** The request of a query:execute body; the request's default timeframe counts only with both of its ends, as in the original. */
function requestOfBody(body: z.infer<typeof queryBody>, now: Date): QueryRequest {
  const start = body.defaultTimeframeStart === undefined ? null : parseTimestamp(body.defaultTimeframeStart);
  const end = body.defaultTimeframeEnd === undefined ? null : parseTimestamp(body.defaultTimeframeEnd);
  return {
    text: body.query,
    now,
    defaultTimeframe: start && end ? { start, end } : null,
    maxResultRecords: body.maxResultRecords,
    fetchTimeoutSeconds: body.fetchTimeoutSeconds,
    locale: body.locale,
  };
}

const TABLE_SCOPES_NOTE = 'Also needs the read scope of the fetched table: storage:events:read, storage:bizevents:read or storage:logs:read.';
const requestTokenParam = z.string({ error: 'is required: the requestToken of query:execute' }).max(20_000, 'is not a request token of query:execute');

export const executeStorageQuery = defineEndpoint({
  id: 'storage.query.execute',
  service: 'storage',
  method: 'POST',
  path: '/storage/query/v1/query:execute',
  scopes: ['storage:buckets:read'],
  perRequestScopes: Object.values(STORAGE_TABLE_READ_SCOPES),
  summary: 'Run a storage query',
  description: TABLE_SCOPES_NOTE,
  requestBody:
    'JSON object with query, e.g. "fetch logs, from:now()-2h | limit 10"; optionally defaultTimeframeStart and defaultTimeframeEnd (ISO 8601), maxResultRecords, fetchTimeoutSeconds, locale',
  body: queryBody,
  exampleBody: { query: 'fetch bizevents | filter event.type == "purchase" | summarize count(), by: {currency}' },
  // The table decides the policy attribute, so the query is parsed before any permission check.
  attributes: ({ body }) => queryAttributes(parseRequestQuery(body.query)),
  responses: { 200: { description: 'The query has run: its records, the type of each field, and what they are.', schema: queryResponse } },
  async handle({ body }, ctx) {
    return ok(await runQuery(ctx, requestOfBody(body, ctx.now)));
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
  description: `The result of the query:execute that gave the request token, finished. ${TABLE_SCOPES_NOTE}`,
  query: queryParameters({
    'request-token': requestTokenParam,
    'request-timeout-milliseconds': z.string().optional(),
    enrich: z.string().optional(),
  }),
  attributes: ({ query }) => queryAttributes(parseRequestQuery(requestOfToken(query['request-token']).text)),
  responses: { 200: { description: 'The finished query: its records, the type of each field, and what they are.', schema: queryResponse } },
  async handle({ query }, ctx) {
    return ok(await runQuery(ctx, requestOfToken(query['request-token'])));
  },
});

export const cancelStorageQuery = defineEndpoint({
  id: 'storage.query.cancel',
  service: 'storage',
  method: 'POST',
  path: '/storage/query/v1/query:cancel',
  scopes: ['storage:buckets:read'],
  perRequestScopes: Object.values(STORAGE_TABLE_READ_SCOPES),
  summary: 'Cancel a storage query',
  description: `A query has finished by the time query:execute answers, so there is nothing to cancel: as the original answers for a finished query, this is its result. ${TABLE_SCOPES_NOTE}`,
  query: queryParameters({ 'request-token': requestTokenParam, enrich: z.string().optional() }),
  attributes: ({ query }) => queryAttributes(parseRequestQuery(requestOfToken(query['request-token']).text)),
  responses: { 200: { description: 'The query had finished: its result.', schema: queryResponse } },
  async handle({ query }, ctx) {
    return ok(await runQuery(ctx, requestOfToken(query['request-token'])));
  },
});

const position = z.object({ index: z.int().min(0), line: z.int().min(0), column: z.int().min(0) });
const verifyResponse = z
  .object({
    valid: z.boolean(),
    canonicalQuery: z.string().optional(),
    notifications: z.array(
      z.object({
        severity: z.literal('ERROR'),
        notificationType: z.literal('SYNTAX_ERROR'),
        message: z.string(),
        syntaxPosition: z.object({ start: position, end: position }).meta({ description: 'Zero-based line and column, as the original has them' }),
      }),
    ),
  })
  .meta({ id: 'QueryVerifyResponse' });

export const verifyStorageQuery = defineEndpoint({
  id: 'storage.query.verify',
  service: 'storage',
  method: 'POST',
  path: '/storage/query/v1/query:verify',
  scopes: ['storage:buckets:read'],
  summary: 'Check a storage query without running it',
  description: 'Whether the query parses; when it does not, a notification says what is wrong and where. Reads no records.',
  requestBody: 'JSON object with query; optionally locale, timezone (UTC) and generateCanonicalQuery',
  body: z.object({
    query: z.string({ error: 'is required and must be a string' }),
    locale: locale.optional(),
    timezone: timezone.optional(),
    generateCanonicalQuery: z.boolean({ error: 'must be true or false' }).optional(),
  }),
  exampleBody: { query: 'fetch logs, from:now()-2h | filter loglevel == "ERROR" | fields timestamp, content' },
  responses: { 200: { description: 'Whether the query parses, and if not, where the first error is.', schema: verifyResponse } },
  async handle({ body }, ctx) {
    try {
      parseQuery(body.query, { now: ctx.now });
      return ok({ valid: true, notifications: [], ...(body.generateCanonicalQuery ? { canonicalQuery: body.query } : {}) });
    } catch (error) {
      if (!(error instanceof QuerySyntaxError)) throw error;
      const at = { index: error.offset, line: error.line - 1, column: error.column - 1 };
      return ok({
        valid: false,
        notifications: [{ severity: 'ERROR' as const, notificationType: 'SYNTAX_ERROR' as const, message: error.message, syntaxPosition: { start: at, end: at } }],
      });
    }
  },
});

export const storageQueryEndpoints = [executeStorageQuery, pollStorageQuery, cancelStorageQuery, verifyStorageQuery];
