import { ClientRequestError, ErrorEnvelopeError, QueryAssistanceClient, QueryExecutionClient } from '@dynatrace-sdk/client-query';
import { describe, expect, it } from 'vitest';
import { sdkClient, sdkRefusal, startSdkPlatform } from './sdk-testing';
import { insertTestToken } from './testing';

// @dynatrace-sdk/client-query against the portal, as scripts call it: time ranges in the query
// and in the request, the result's types and metadata, polling, cancelling and verifying.

const platform = startSdkPlatform();
const HOUR = 3_600_000;

async function queryClients(scopes = ['storage:buckets:read', 'storage:logs:read', 'storage:logs:write']) {
  const { token } = await insertTestToken(platform.database.db, { scopes, environmentIds: ['acme-prod'] });
  const http = sdkClient(platform.hostUrl('acme-prod'), token);
  return { http, execution: new QueryExecutionClient(http), assistance: new QueryAssistanceClient(http) };
}

/** Logs of one run, at the given ages before now; returns the run's name. */
async function ingestLogs(http: ReturnType<typeof sdkClient>, logs: { ageMs: number; loglevel: string; content: string }[]): Promise<string> {
  const run = `sdk-query-${Math.random().toString(36).slice(2)}`;
  const now = Date.now();
  const response = await http.send({
    url: '/platform/storage/ingest/v1/logs',
    method: 'POST',
    body: logs.map((l) => ({ timestamp: new Date(now - l.ageMs).toISOString(), loglevel: l.loglevel, content: l.content, run })),
  });
  expect(response.status).toBe(202);
  return run;
}

describe('the scheduled export job, written as the query SDK documentation shows it', () => {
  it('fetch logs, from:now()-2h | filter … | fields timestamp, content: polled until done, with types and the timeframe read', async () => {
    const { http, execution } = await queryClients();
    const run = await ingestLogs(http, [
      { ageMs: 0.5 * HOUR, loglevel: 'ERROR', content: 'disk full' },
      { ageMs: 1.5 * HOUR, loglevel: 'ERROR', content: 'disk almost full' },
      { ageMs: 1 * HOUR, loglevel: 'INFO', content: 'all well' },
      { ageMs: 3 * HOUR, loglevel: 'ERROR', content: 'yesterday’s news' },
    ]);
    const before = Date.now();
    const query = `fetch logs, from:now()-2h | filter run == "${run}" and loglevel == "ERROR" | fields timestamp, content | sort timestamp desc`;
    const started = await execution.queryExecute({ body: { query, requestTimeoutMilliseconds: 60_000, maxResultRecords: 1_000 } });
    expect(started.state).toBe('SUCCEEDED');

    // The documentation's loop: poll with the request token until the query has finished.
    let response = await execution.queryPoll({ requestToken: started.requestToken!, requestTimeoutMilliseconds: 60_000 });
    while (response.state === 'NOT_STARTED' || response.state === 'RUNNING') {
      response = await execution.queryPoll({ requestToken: started.requestToken!, requestTimeoutMilliseconds: 60_000 });
    }
    expect(response.state).toBe('SUCCEEDED');
    const result = response.result!;
    expect(result.records.map((r) => r?.content)).toEqual(['disk full', 'disk almost full']);
    expect(Object.keys(result.records[0]!)).toEqual(['timestamp', 'content']);
    expect(result.types).toEqual([{ indexRange: [0, 1], mappings: { timestamp: { type: 'timestamp' }, content: { type: 'string' } } }]);
    // The SDK reads the timeframe as dates: the two hours before the query was started.
    const timeframe = result.metadata.grail?.analysisTimeframe;
    expect(timeframe?.start).toBeInstanceOf(Date);
    expect(timeframe?.end).toBeInstanceOf(Date);
    expect(timeframe!.end!.getTime() - timeframe!.start!.getTime()).toBe(2 * HOUR);
    expect(timeframe!.end!.getTime()).toBeGreaterThanOrEqual(before);
    expect(timeframe!.end!.getTime()).toBeLessThanOrEqual(Date.now());
    // Polling reads the same query: the same now(), so the same timeframe and records.
    expect(started.result?.metadata.grail?.analysisTimeframe).toEqual(timeframe);
    expect(started.result?.records).toEqual(result.records);
    expect(result.metadata.grail).toMatchObject({ query, timezone: 'Z', locale: 'und', notifications: [] });
  });

  it('the same job with relative to: and the request timeframe, and the records typed as the original types them', async () => {
    const { http, execution } = await queryClients();
    const run = await ingestLogs(http, [
      { ageMs: 0.25 * HOUR, loglevel: 'WARN', content: '2024-05-01T12:00:00Z' },
      { ageMs: 1.5 * HOUR, loglevel: 'WARN', content: 'slow' },
      { ageMs: 5 * HOUR, loglevel: 'WARN', content: 'old' },
    ]);
    const between = await execution.queryExecute({ body: { query: `fetch logs, from:-2h, to:-1h | filter run == "${run}" | fields content` } });
    expect(between.result?.records).toEqual([{ content: 'slow' }]);

    // The request's timeframe counts when the query names none, and the query's over it.
    const now = Date.now();
    const defaultTimeframeStart = new Date(now - 6 * HOUR).toISOString();
    const defaultTimeframeEnd = new Date(now - 1 * HOUR).toISOString();
    const byRequest = await execution.queryExecute({
      body: { query: `fetch logs | filter run == "${run}" | fields content`, defaultTimeframeStart, defaultTimeframeEnd, timezone: 'UTC', locale: 'en_US' },
    });
    expect(byRequest.result?.records).toEqual([{ content: 'slow' }, { content: 'old' }]);
    expect(byRequest.result?.metadata.grail).toMatchObject({
      analysisTimeframe: { start: new Date(defaultTimeframeStart), end: new Date(defaultTimeframeEnd) },
      locale: 'en_US',
    });
    const polled = await execution.queryPoll({ requestToken: byRequest.requestToken! });
    expect(polled.result?.records).toEqual(byRequest.result?.records);
    const byQuery = await execution.queryExecute({
      body: { query: `fetch logs, from:now()-30m | filter run == "${run}" | fields timestamp, content`, defaultTimeframeStart, defaultTimeframeEnd },
    });
    // Text that reads as a time stays text; only timestamp is a timestamp.
    expect(byQuery.result?.records.map((r) => r?.content)).toEqual(['2024-05-01T12:00:00Z']);
    expect(byQuery.result?.types).toEqual([{ indexRange: [0, 0], mappings: { timestamp: { type: 'timestamp' }, content: { type: 'string' } } }]);

    // A filter on timestamp with now() arithmetic, sorted by it.
    const filtered = await execution.queryExecute({
      body: { query: `fetch logs | filter run == "${run}" and timestamp < now() - 1h | sort timestamp asc | fields content` },
    });
    expect(filtered.result?.records).toEqual([{ content: 'old' }, { content: 'slow' }]);
    // Without any timeframe every record is read, and the answer says so.
    expect(filtered.result?.metadata.grail?.analysisTimeframe).toEqual({ start: new Date('1970-01-01T00:00:00.000Z'), end: new Date('9999-12-31T23:59:59.999Z') });
  });

  it('maxResultRecords caps the records and a notification says so', async () => {
    const { http, execution } = await queryClients();
    const run = await ingestLogs(
      http,
      [1, 2, 3].map((i) => ({ ageMs: i * 60_000, loglevel: 'INFO', content: `line ${i}` })),
    );
    const capped = await execution.queryExecute({ body: { query: `fetch logs, from:-1h | filter run == "${run}" | fields content`, maxResultRecords: 2 } });
    expect(capped.result?.records).toEqual([{ content: 'line 1' }, { content: 'line 2' }]);
    expect(capped.result?.metadata.grail?.notifications).toEqual([
      { severity: 'WARN', notificationType: 'LIMIT_ADDED', message: 'The result has been limited to 2 records.' },
    ]);
  });
});

describe('what the query SDK gets for a bad request: the typed error with the portal message', () => {
  it.each([
    ['fetch logs, from:now()-2x', "Invalid request body field 'query': Query error at line 1, column 25: unexpected character 'x' (a duration's unit is ns, us, ms, s, m, h, d or w)"],
    ['fetch logs, from:"last tuesday"', "Invalid request body field 'query': Query error at line 1, column 18: expected a timestamp such as \"2024-05-01T12:00:00Z\" (ISO 8601, between 1970 and 9999) but found the string \"last tuesday\""],
    ['fetch logs,\n  from: -2h,\n  to: -3h', "Invalid request body field 'query': Query error at line 3, column 3: the timeframe is empty: from: must be before to:"],
    ['fetch logs | filter timestamp > 2h', "Invalid request body field 'query': Query error at line 1, column 33: a duration is not a value here; a time before now is written now() - 2h"],
  ])('queryExecute %j: ErrorEnvelopeError at the position', async (query, message) => {
    const { execution } = await queryClients();
    const refusal = execution.queryExecute({ body: { query } });
    await expect(refusal).rejects.toBeInstanceOf(ErrorEnvelopeError);
    await expect(refusal).rejects.toMatchObject({ message });
  });

  it.each([
    [{ defaultTimeframeStart: 'two hours ago', defaultTimeframeEnd: '2024-05-01T00:00:00Z' }, "Invalid request body field 'defaultTimeframeStart': must be an ISO 8601 timestamp between 1970 and 9999, e.g. \"2024-05-01T12:00:00Z\""],
    [{ defaultTimeframeStart: '2024-05-02T00:00:00Z', defaultTimeframeEnd: '2024-05-01T00:00:00Z' }, "Invalid request body field 'defaultTimeframeEnd': must be after defaultTimeframeStart"],
    [{ timezone: 'Europe/Paris' }, "Invalid request body field 'timezone': only UTC is supported; times in a query without an offset are UTC"],
    [{ maxResultRecords: 0 }, "Invalid request body field 'maxResultRecords': must be at least 1"],
    [{ fetchTimeoutSeconds: 1.5 }, "Invalid request body field 'fetchTimeoutSeconds': must be a whole number"],
  ])('queryExecute with %j: ErrorEnvelopeError naming the field', async (options, message) => {
    const { execution } = await queryClients();
    const refusal = execution.queryExecute({ body: { query: 'fetch logs | limit 1', ...options } });
    await expect(refusal).rejects.toBeInstanceOf(ErrorEnvelopeError);
    await expect(refusal).rejects.toMatchObject({ message });
  });
});

describe('@dynatrace-sdk/client-query beyond execute and poll', () => {
  it('queryCancel of a finished query answers its result, as the original does', async () => {
    const { http, execution } = await queryClients();
    const run = await ingestLogs(http, [{ ageMs: 60_000, loglevel: 'ERROR', content: 'cancel me' }]);
    const started = await execution.queryExecute({ body: { query: `fetch logs, from:-1h | filter run == "${run}" | fields content` } });
    const cancelled = await execution.queryCancel({ requestToken: started.requestToken! });
    expect(cancelled).toMatchObject({ state: 'SUCCEEDED', result: { records: [{ content: 'cancel me' }] } });
    expect(cancelled?.result?.metadata.grail?.analysisTimeframe).toEqual(started.result?.metadata.grail?.analysisTimeframe);
    const refusal = execution.queryCancel({ requestToken: 'not-a-token' });
    await expect(refusal).rejects.toBeInstanceOf(ErrorEnvelopeError);
    await expect(refusal).rejects.toMatchObject({ message: "Invalid query parameter 'request-token': is not a request token of query:execute." });
    // A token made by hand whose query does not parse is refused as the token it is.
    const forged = Buffer.from(JSON.stringify({ q: 'fetch logs | nonsense', n: Date.now() }), 'utf8').toString('base64url');
    for (const call of [execution.queryPoll({ requestToken: forged }), execution.queryCancel({ requestToken: forged })]) {
      await expect(call).rejects.toMatchObject({ message: "Invalid query parameter 'request-token': is not a request token of query:execute." });
    }
  });

  it('queryVerify says whether a query parses and, if not, where (zero-based, as the original)', async () => {
    const { assistance } = await queryClients(['storage:buckets:read']);
    expect(await assistance.queryVerify({ body: { query: 'fetch logs, from:now()-2h | fields timestamp, content' } })).toEqual({ valid: true, notifications: [] });
    expect(await assistance.queryVerify({ body: { query: 'fetch logs | limit 1', generateCanonicalQuery: true } })).toEqual({
      valid: true,
      notifications: [],
      canonicalQuery: 'fetch logs | limit 1',
    });
    const invalid = await assistance.queryVerify({ body: { query: 'fetch logs\n| filter timestamp > now() - 2x' } });
    expect(invalid).toEqual({
      valid: false,
      notifications: [
        {
          severity: 'ERROR',
          notificationType: 'SYNTAX_ERROR',
          message: "Query error at line 2, column 31: unexpected character 'x' (a duration's unit is ns, us, ms, s, m, h, d or w)",
          syntaxPosition: { start: { index: 41, line: 1, column: 30 }, end: { index: 41, line: 1, column: 30 } },
        },
      ],
    });
    const refusal = assistance.queryVerify({ body: { query: 42 as unknown as string } });
    await expect(refusal).rejects.toBeInstanceOf(ErrorEnvelopeError);
    await expect(refusal).rejects.toMatchObject({ message: "Invalid request body field 'query': is required and must be a string" });
  });

  // The original answers query:parse with its language's full syntax tree and query:autocomplete
  // with suggestions of its whole language; this portal serves neither (README, "Platform API").
  it('queryParse and queryAutocomplete are refused: the portal has no such endpoint', async () => {
    const { assistance } = await queryClients(['storage:buckets:read']);
    const calls = [() => assistance.queryParse({ body: { query: 'fetch logs' } }), () => assistance.queryAutocomplete({ body: { query: 'fetch logs' } })];
    for (const call of calls) {
      await expect(call()).rejects.toBeInstanceOf(ClientRequestError);
      await expect(call()).rejects.toMatchObject({ message: 'No such endpoint. GET /api/openapi.json lists every endpoint.' });
      expect(await sdkRefusal(call())).toEqual({ status: 404, message: 'No such endpoint. GET /api/openapi.json lists every endpoint.' });
    }
  });
});
