import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '@/lib/db';
import { documents, serviceUsers, users } from '@/lib/db/schema';
import { created, defineEndpoint, ok, type PlatformContext } from '../endpoint';
import { notFound } from '../errors';
import { pageKey, pageQuery, readPageKey } from './pagination';
import { ownerColumns, ownerSchema, ownerView } from './principal';
import { storableJson, storableString } from './storage-json';

// The document service: documents (dashboards, notebooks, …) of an environment. A document's type
// is the `document:document-type` attribute, so policies can allow or deny per type; a list shows
// only the documents the owner may read.

const READ = 'document:documents:read';
const WRITE = 'document:documents:write';
const DELETE = 'document:documents:delete';
const TYPE = 'document:document-type';

const name = storableString(
  z.string({ error: 'is required and must be a string' }).trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters'),
);
const type = z
  .string({ error: 'is required and must be a string' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, 'must be 1-100 letters, digits, ".", "_", ":" or "-", starting with a letter or digit');
const content = storableJson(
  z.json({ error: 'is required: a JSON value or a string' }).refine((v) => v !== null, 'must not be null: a JSON value or a string'),
);

const idParams = z.object({ id: z.uuid('must be a document ID (a UUID)') });

const listQuery = z.object({ ...pageQuery, type: type.optional() });
const position = z.tuple([z.iso.datetime({ offset: true }), z.uuid()]);

const createBody = z.object({ name, type, content });
const updateBody = z
  .object({ name: name.optional(), type: type.optional(), content: content.optional() })
  .refine((b) => b.name !== undefined || b.type !== undefined || b.content !== undefined, {
    message: 'needs at least one of name, type and content',
  });

const documentSummary = z.object({
  id: z.uuid(),
  name: z.string(),
  type: z.string(),
  owner: ownerSchema,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
const documentView = documentSummary.extend({ content: z.unknown() }).meta({ id: 'Document' });
const documentList = z.object({ documents: z.array(documentSummary), nextPageKey: z.string().nullable() });
const deletedDocument = z.object({ id: z.uuid(), deleted: z.boolean() });

const summaryColumns = {
  id: documents.id,
  name: documents.name,
  type: documents.type,
  ownerUserId: documents.ownerUserId,
  ownerServiceUserId: documents.ownerServiceUserId,
  ownerUserEmail: users.email,
  ownerServiceUserEmail: serviceUsers.email,
  createdAt: documents.createdAt,
  updatedAt: documents.updatedAt,
};

type SummaryRow = {
  id: string;
  name: string;
  type: string;
  ownerUserId: string | null;
  ownerServiceUserId: string | null;
  ownerUserEmail: string | null;
  ownerServiceUserEmail: string | null;
  createdAt: Date;
  updatedAt: Date;
};

function view(row: SummaryRow) {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    owner: ownerView(row),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function fullView(row: SummaryRow & { content: unknown }) {
  return { ...view(row), content: row.content };
}

function selectDocuments(db: Executor, where: SQL | undefined) {
  return db
    .select({ ...summaryColumns, content: documents.content })
    .from(documents)
    .leftJoin(users, eq(users.id, documents.ownerUserId))
    .leftJoin(serviceUsers, eq(serviceUsers.id, documents.ownerServiceUserId))
    .where(where);
}

async function findDocument(db: Executor, ctx: PlatformContext, id: string) {
  const [row] = await selectDocuments(db, and(eq(documents.id, id), eq(documents.environmentId, ctx.environmentId))).limit(1);
  if (!row) throw notFound(`No document with ID '${id}' in this environment.`);
  return row;
}

/** Locks the document for a change in this transaction, after the owner's permission for its type. */
async function lockDocument(tx: Executor, ctx: PlatformContext, id: string, scope: typeof WRITE | typeof DELETE) {
  const [row] = await tx
    .select({ type: documents.type })
    .from(documents)
    .where(and(eq(documents.id, id), eq(documents.environmentId, ctx.environmentId)))
    .for('update');
  if (!row) throw notFound(`No document with ID '${id}' in this environment.`);
  ctx.authorize(scope, { [TYPE]: row.type });
  return row;
}

// Reading past documents the owner may not see, a page may come back shorter than `limit`; a
// few batches at most are read per request, and `nextPageKey` continues where reading stopped.
const MAX_BATCHES = 5;

export const listDocuments = defineEndpoint({
  id: 'document.documents.list',
  service: 'document',
  method: 'GET',
  path: '/document/v1/documents',
  scopes: ['document:documents:read'],
  summary: 'List documents',
  query: listQuery,
  responses: { 200: { description: 'A page of the documents the owner may read, without content.', schema: documentList } },
  async handle({ query }, ctx) {
    let after = readPageKey(query, position);
    const items: ReturnType<typeof view>[] = [];
    let exhausted = false;
    for (let batch = 0; batch < MAX_BATCHES && items.length < query.limit && !exhausted; batch++) {
      const conditions = [eq(documents.environmentId, ctx.environmentId)];
      if (query.type) conditions.push(eq(documents.type, query.type));
      if (after) conditions.push(sql`(${documents.createdAt}, ${documents.id}) > (${after[0]}::timestamptz, ${after[1]}::uuid)`);
      const rows = await ctx.db
        .select(summaryColumns)
        .from(documents)
        .leftJoin(users, eq(users.id, documents.ownerUserId))
        .leftJoin(serviceUsers, eq(serviceUsers.id, documents.ownerServiceUserId))
        .where(and(...conditions))
        .orderBy(asc(documents.createdAt), asc(documents.id))
        .limit(query.limit + 1);
      let i = 0;
      for (; i < rows.length && i < query.limit && items.length < query.limit; i++) {
        const row = rows[i]!;
        after = [row.createdAt.toISOString(), row.id];
        if (ctx.permits(READ, { [TYPE]: row.type })) items.push(view(row));
      }
      exhausted = i >= rows.length;
    }
    return ok({ documents: items, nextPageKey: exhausted || !after ? null : pageKey(after) });
  },
});

export const createDocument = defineEndpoint({
  id: 'document.documents.create',
  service: 'document',
  method: 'POST',
  path: '/document/v1/documents',
  scopes: ['document:documents:write'],
  summary: 'Create a document',
  requestBody: 'JSON object with name, type and content',
  body: createBody,
  exampleBody: { name: 'Service health', type: 'dashboard', content: { tiles: [] } },
  attributes: ({ body }) => ({ [TYPE]: body.type }),
  responses: { 201: { description: 'The new document.', schema: documentView } },
  async handle({ body }, ctx) {
    const [row] = await ctx.db
      .insert(documents)
      .values({
        environmentId: ctx.environmentId,
        name: body.name,
        type: body.type,
        content: body.content,
        ...ownerColumns(ctx.owner),
        createdAt: ctx.now,
        updatedAt: ctx.now,
      })
      .returning({ id: documents.id });
    const document = await findDocument(ctx.db, ctx, row!.id);
    return created(fullView(document));
  },
});

export const getDocument = defineEndpoint({
  id: 'document.documents.get',
  service: 'document',
  method: 'GET',
  path: '/document/v1/documents/{id}',
  scopes: ['document:documents:read'],
  summary: 'Get a document',
  params: idParams,
  responses: { 200: { description: 'The document with its content.', schema: documentView } },
  async handle({ params }, ctx) {
    const row = await findDocument(ctx.db, ctx, params.id);
    ctx.authorize(READ, { [TYPE]: row.type });
    return ok(fullView(row));
  },
});

export const updateDocument = defineEndpoint({
  id: 'document.documents.update',
  service: 'document',
  method: 'PUT',
  path: '/document/v1/documents/{id}',
  scopes: ['document:documents:write'],
  summary: 'Update a document',
  requestBody: 'JSON object with any of name, type and content',
  params: idParams,
  body: updateBody,
  exampleBody: { name: 'Service health (v2)' },
  responses: { 200: { description: 'The document as it is now.', schema: documentView } },
  async handle({ params, body }, ctx) {
    await ctx.db.transaction(async (tx) => {
      const current = await lockDocument(tx, ctx, params.id, WRITE);
      if (body.type !== undefined && body.type !== current.type) ctx.authorize(WRITE, { [TYPE]: body.type });
      await tx
        .update(documents)
        .set({
          ...(body.name === undefined ? {} : { name: body.name }),
          ...(body.type === undefined ? {} : { type: body.type }),
          ...(body.content === undefined ? {} : { content: body.content }),
          updatedAt: ctx.now,
        })
        .where(eq(documents.id, params.id));
    });
    const row = await findDocument(ctx.db, ctx, params.id);
    return ok(fullView(row));
  },
});

export const deleteDocument = defineEndpoint({
  id: 'document.documents.delete',
  service: 'document',
  method: 'DELETE',
  path: '/document/v1/documents/{id}',
  scopes: ['document:documents:delete'],
  summary: 'Delete a document',
  params: idParams,
  responses: { 200: { description: 'The document is deleted.', schema: deletedDocument } },
  async handle({ params }, ctx) {
    await ctx.db.transaction(async (tx) => {
      await lockDocument(tx, ctx, params.id, DELETE);
      await tx.delete(documents).where(eq(documents.id, params.id));
    });
    return ok({ id: params.id, deleted: true });
  },
});

export const documentEndpoints = [listDocuments, createDocument, getDocument, updateDocument, deleteDocument];
