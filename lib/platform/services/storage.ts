import { z } from 'zod';
import { storageRecords } from '@/lib/db/schema';
import type { StorageTable } from '../catalogue';
import { accepted, defineEndpoint, type PlatformContext } from '../endpoint';
import { badRequest, PlatformError } from '../errors';
import { parseTimestamp } from '../query/timestamps';
import { unstorableJson } from './storage-json';
import { storageQueryEndpoints } from './storage-query';

// The storage service: ingest of events, business events and logs (a JSON object or an array of
// them), and the queries over them (storage-query.ts). Every row carries its environment, and
// every query reads only the calling environment's rows.

export const MAX_INGEST_BYTES = 1024 * 1024;
export const MAX_RECORDS_PER_REQUEST = 1000;

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

export const storageEndpoints = [ingestEvents, ingestBizevents, ingestLogs, ...storageQueryEndpoints];
