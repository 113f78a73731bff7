import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { documents } from '@/lib/db/schema';
import { defineEndpoint, ok, type PlatformContext } from '../endpoint';
import { storableString } from './storage-json';

// Davis CoPilot document search: ranks the environment's documents for a query in plain words
// with PostgreSQL full-text search (english configuration): the name weighs most, then the text
// in the content (string values only, not JSON keys), then the type. The answer carries names and
// text, so the call needs `document:documents:read` as a direct read does (catalogue), and only
// documents of the types the token and its owner may read are searched.

const READ = 'document:documents:read';
const TYPE = 'document:document-type';

export const documentSearchBody = z.object({
  query: storableString(z.string({ error: 'is required and must be a string' }).trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters')),
  limit: z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(100, 'must be at most 100').default(10),
});

const CONTENT_TEXT = sql`(case when jsonb_typeof(${documents.content}) = 'string' then ${documents.content} #>> '{}'
  else (select string_agg(v #>> '{}', ' ') from jsonb_path_query(${documents.content}, 'strict $.** ? (@.type() == "string")') v) end)`;
const DOCUMENT_VECTOR = sql`(setweight(to_tsvector('english', ${documents.name}), 'A')
  || setweight(jsonb_to_tsvector('english', ${documents.content}, '["string"]'), 'B')
  || setweight(to_tsvector('english', ${documents.type}), 'C'))`;

export async function searchDocuments(ctx: PlatformContext, query: string, limit: number) {
  const typeRows = await ctx.db.selectDistinct({ type: documents.type }).from(documents).where(eq(documents.environmentId, ctx.environmentId));
  const readable = typeRows.map((r) => r.type).filter((type) => ctx.permits(READ, { [TYPE]: type }));
  if (readable.length === 0) return [];
  const tsQuery = sql`websearch_to_tsquery('english', ${query})`;
  const rank = sql<number>`ts_rank(${DOCUMENT_VECTOR}, ${tsQuery})`;
  const rows = await ctx.db
    .select({
      id: documents.id,
      name: documents.name,
      type: documents.type,
      updatedAt: documents.updatedAt,
      score: rank.mapWith(Number),
      snippet: sql<string | null>`ts_headline('english', coalesce(${CONTENT_TEXT}, ''), ${tsQuery}, 'MaxFragments=2, MaxWords=20, MinWords=5, StartSel=**, StopSel=**')`,
    })
    .from(documents)
    .where(and(eq(documents.environmentId, ctx.environmentId), inArray(documents.type, readable), sql`${DOCUMENT_VECTOR} @@ ${tsQuery}`))
    .orderBy(sql`${rank} desc`, sql`${documents.updatedAt} desc`, documents.id)
    .limit(limit);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    type: r.type,
    score: r.score,
    snippet: r.snippet ?? '',
    updatedAt: r.updatedAt.toISOString(),
  }));
}

export const executeDocumentSearch = defineEndpoint({
  id: 'davis-copilot.document-search.execute',
  body: documentSearchBody,
  exampleBody: { query: 'checkout latency dashboard', limit: 5 },
  async handle({ body }, ctx) {
    const results = await searchDocuments(ctx, body.query, body.limit);
    return ok({ query: body.query, results, totalCount: results.length });
  },
});

export const davisCopilotEndpoints = [executeDocumentSearch];
