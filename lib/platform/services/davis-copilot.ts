import { and, eq, gt, inArray, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Executor } from '@/lib/db';
import { isEmbedded } from '@/lib/db/client';
import { isStatementTimeout } from '@/lib/db/statement-timeout';
import { documents } from '@/lib/db/schema';
import { defineEndpoint, ok, type PlatformContext } from '../endpoint';
import { badRequest } from '../errors';
import { storableString } from './storage-json';

// Davis CoPilot document search: ranks the environment's documents for a query in plain words
// with PostgreSQL full-text search (english configuration): the name weighs most, then the text
// in the content (string values only, not JSON keys; the first SEARCHED_TEXT_CHARS of it), then
// the type. The answer carries names and
// text, so the call needs `document:documents:read` as a direct read does (catalogue), and only
// documents of the types the token and its owner may read are searched.

const READ = 'document:documents:read';
const TYPE = 'document:document-type';

export const documentSearchBody = z.object({
  query: storableString(z.string({ error: 'is required and must be a string' }).trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters')),
  limit: z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(100, 'must be at most 100').default(10),
});

/** How much of a document's text is searched: its tsvector stays far below PostgreSQL's 1 MB limit, and its cost bounded. */
export const SEARCHED_TEXT_CHARS = 100_000;
/** How long a search may run before it is cancelled (on PostgreSQL by the server, on the embedded database paced). */
export const SEARCH_TIMEOUT_MS = 10_000;

// The text of the content: a string as it is, else its string values (not its keys), from the start.
const CONTENT_TEXT = sql`left(coalesce(case when jsonb_typeof(${documents.content}) = 'string' then ${documents.content} #>> '{}'
  else (select string_agg(v #>> '{}', ' ') from jsonb_path_query(${documents.content}, 'strict $.** ? (@.type() == "string")') v) end, ''), ${sql.raw(String(SEARCHED_TEXT_CHARS))})`;
const DOCUMENT_VECTOR = sql`(setweight(to_tsvector('english', ${documents.name}), 'A')
  || setweight(to_tsvector('english', ${CONTENT_TEXT}), 'B')
  || setweight(to_tsvector('english', ${documents.type}), 'C'))`;

export interface SearchResult {
  id: string;
  name: string;
  type: string;
  score: number;
  snippet: string;
  updatedAt: string;
}

/** Documents whose vectors one statement of a paced search computes: about a megabyte of text at most. */
const PACED_BATCH = 10;

/**
 * How a search runs: as statements over all candidates at once (PostgreSQL, which runs many
 * statements at once and cancels one at its timeout), or paced (the embedded database, which runs
 * one statement at a time for everyone): ten documents per statement, so other requests run in
 * between, stopped at the same timeout.
 */
export type SearchStrategy = 'statement' | 'paced';

const timedOut = () => badRequest(`The search ran longer than ${SEARCH_TIMEOUT_MS / 1000} seconds and was cancelled. Use more specific words.`);

export async function searchDocuments(
  ctx: PlatformContext,
  query: string,
  limit: number,
  options: { strategy?: SearchStrategy } = {},
): Promise<SearchResult[]> {
  const typeRows = await ctx.db.selectDistinct({ type: documents.type }).from(documents).where(eq(documents.environmentId, ctx.environmentId));
  const readable = typeRows.map((r) => r.type).filter((type) => ctx.permits(READ, { [TYPE]: type }));
  if (readable.length === 0) return [];
  const strategy = options.strategy ?? (isEmbedded(ctx.db) ? 'paced' : 'statement');
  const tsQuery = sql`websearch_to_tsquery('english', ${query})`;
  const inScope = and(eq(documents.environmentId, ctx.environmentId), inArray(documents.type, readable));
  if (strategy === 'paced') return searchPaced(ctx.db, inScope!, tsQuery, limit);
  try {
    return await ctx.db.transaction(async (tx) => {
      await tx.execute(sql`set transaction read only`);
      await tx.execute(sql.raw(`set local statement_timeout = ${SEARCH_TIMEOUT_MS}`));
      const ranked = rankedSubquery(tx, inScope!, tsQuery, limit);
      return withSnippets(tx, ranked, tsQuery);
    });
  } catch (error) {
    if (isStatementTimeout(error)) throw timedOut();
    throw error;
  }
}

/** The best `limit` documents of those `where` selects, by score, then the newest, then by ID. */
function rankedSubquery(db: Executor, where: SQL, tsQuery: SQL, limit: number) {
  // Each document's vector is computed once (OFFSET keeps the subquery from being merged into
  // the outer one, which would compute it for the match and again for the rank) …
  const candidates = db
    .select({ id: documents.id, updatedAt: documents.updatedAt, vector: sql`${DOCUMENT_VECTOR}`.as('vector') })
    .from(documents)
    .where(where)
    .offset(0)
    .as('candidates');
  return db
    .select({ id: candidates.id, updatedAt: candidates.updatedAt, score: sql<number>`ts_rank(${candidates.vector}, ${tsQuery})`.as('score') })
    .from(candidates)
    .where(sql`${candidates.vector} @@ ${tsQuery}`)
    .orderBy(sql`score desc`, sql`${candidates.updatedAt} desc`, candidates.id)
    .limit(limit)
    .as('ranked');
}

/** … and a snippet only for the documents returned, in the ranked order. */
async function withSnippets(db: Executor, ranked: ReturnType<typeof rankedSubquery>, tsQuery: SQL): Promise<SearchResult[]> {
  const rows = await db
    .select({
      id: documents.id,
      name: documents.name,
      type: documents.type,
      updatedAt: documents.updatedAt,
      score: sql`${ranked.score}`.mapWith(Number),
      snippet: sql<string | null>`ts_headline('english', ${CONTENT_TEXT}, ${tsQuery}, 'MaxFragments=2, MaxWords=20, MinWords=5, StartSel=**, StopSel=**')`,
    })
    .from(ranked)
    .innerJoin(documents, eq(documents.id, ranked.id))
    .orderBy(sql`${ranked.score} desc`, sql`${documents.updatedAt} desc`, documents.id);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    type: r.type,
    score: r.score,
    snippet: r.snippet ?? '',
    updatedAt: r.updatedAt.toISOString(),
  }));
}

async function searchPaced(db: Db, inScope: SQL, tsQuery: SQL, limit: number): Promise<SearchResult[]> {
  const deadline = performance.now() + SEARCH_TIMEOUT_MS;
  // The order of the result: score, then the newest, then the ID (uuids compare as their text).
  const before = (a: Scored, b: Scored) => b.score - a.score || b.updatedAt - a.updatedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  let best: Scored[] = [];
  let after: string | null = null;
  for (;;) {
    if (performance.now() > deadline) throw timedOut();
    const ids: { id: string }[] = await db
      .select({ id: documents.id })
      .from(documents)
      .where(after ? and(inScope, gt(documents.id, after)) : inScope)
      .orderBy(documents.id)
      .limit(PACED_BATCH);
    if (ids.length === 0) break;
    after = ids.at(-1)!.id;
    const ranked = rankedSubquery(db, inArray(documents.id, ids.map((r) => r.id)), tsQuery, PACED_BATCH);
    const scored = await db.select({ id: ranked.id, updatedAt: ranked.updatedAt, score: sql`${ranked.score}`.mapWith(Number) }).from(ranked);
    best = [...best, ...scored.map((r) => ({ id: r.id, updatedAt: r.updatedAt.getTime(), score: r.score }))].sort(before).slice(0, limit);
    if (ids.length < PACED_BATCH) break;
  }
  const results: SearchResult[] = [];
  for (let i = 0; i < best.length; i += PACED_BATCH) {
    if (performance.now() > deadline) throw timedOut();
    const ranked = rankedSubquery(db, inArray(documents.id, best.slice(i, i + PACED_BATCH).map((r) => r.id)), tsQuery, PACED_BATCH);
    results.push(...(await withSnippets(db, ranked, tsQuery)));
  }
  return results;
}

interface Scored {
  id: string;
  updatedAt: number;
  score: number;
}

export const executeDocumentSearch = defineEndpoint({
  id: 'davis-copilot.document-search.execute',
  service: 'davis-copilot',
  method: 'POST',
  path: '/davis-copilot/v1/document-search:execute',
  scopes: ['davis-copilot:document-search:execute', 'document:documents:read'],
  summary: 'Search documents in plain words',
  description: 'Returns ranked documents, only of the types the owner may read.',
  requestBody: 'JSON object with query, and optionally limit',
  body: documentSearchBody,
  exampleBody: { query: 'checkout latency dashboard', limit: 5 },
  responses: {
    200: {
      description: 'The best-ranked documents the owner may read, best first.',
      schema: z.object({
        query: z.string(),
        results: z.array(
          z.object({ id: z.uuid(), name: z.string(), type: z.string(), score: z.number(), snippet: z.string(), updatedAt: z.iso.datetime() }),
        ),
        totalCount: z.int().min(0),
      }),
    },
  },
  async handle({ body }, ctx) {
    const results = await searchDocuments(ctx, body.query, body.limit);
    return ok({ query: body.query, results, totalCount: results.length });
  },
});

export const davisCopilotEndpoints = [executeDocumentSearch];
