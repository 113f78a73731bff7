import { and, asc, count, eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '@/lib/db';
import { documents } from '@/lib/db/schema';
import { created, defineEndpoint, noContent, ok, type PlatformContext } from '../endpoint';
import { notFound, PlatformError } from '../errors';
import { checkBodyValue } from '../input';
import { documentFilter, MAX_FILTER_LENGTH } from './document-filter';
import { pageKey, pageQuery, readPageKey, timeIdPosition } from './pagination';
import { ownerColumns } from './principal';
import { storableJson, storableString } from './storage-json';
import { queryParameters } from '../query-parameters';

// The document service: documents (dashboards, notebooks, …) of an environment, as the original
// platform serves them to its SDK's DocumentsClient: a form (multipart/form-data) to create and
// update them — or JSON, the portal's own form of the same fields —, metadata with a `version`
// every change adds one to, and optimistic locking (`optimistic-locking-version`, 409 when stale).
// A document's type is the `document:document-type` attribute, so policies can allow or deny per
// type; a list shows only the documents the owner may read.

const READ = 'document:documents:read';
const WRITE = 'document:documents:write';
const DELETE = 'document:documents:delete';
const TYPE = 'document:document-type';
const JSON_TYPE = 'application/json';

const name = storableString(
  z.string({ error: 'is required and must be a string' }).trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters'),
);
const type = z
  .string({ error: 'is required and must be a string' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, 'must be 1-100 letters, digits, ".", "_", ":" or "-", starting with a letter or digit');
const description = storableString(z.string({ error: 'must be a string' }).max(1000, 'must be at most 1000 characters'));
const jsonContent = storableJson(
  z.json({ error: 'is required: a JSON value or a string' }).refine((v) => v !== null, 'must not be null: a JSON value or a string'),
);
const textContent = storableString(z.string());

/** What is stored: a JSON value for a JSON media type, else the text. */
type Content = { value: unknown; contentType: string };

const MEDIA_TYPE = /^[A-Za-z0-9][\w.+-]*\/[A-Za-z0-9][\w.+-]*(\s*;.*)?$/;

function isJsonType(contentType: string): boolean {
  const media = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return media === JSON_TYPE || media.endsWith('+json');
}

/** A form's content part as stored content; a problem is an issue of that part. */
async function fileContent(file: File, ctx: z.RefinementCtx): Promise<Content> {
  const issue = (message: string) => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  const contentType = file.type || 'application/octet-stream';
  if (contentType.length > 255 || !MEDIA_TYPE.test(contentType)) return issue('must have a media type (its Content-Type) such as application/json');
  if (file.size === 0) return issue('must not be empty');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(await file.arrayBuffer());
  } catch {
    return issue(`is not UTF-8 text (${contentType}): documents here hold JSON or text`);
  }
  if (!isJsonType(contentType)) {
    const parsed = textContent.safeParse(text);
    return parsed.success ? { value: parsed.data, contentType } : issue(parsed.error.issues[0]!.message);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return issue(`is not valid JSON, as its media type ${contentType} says (${error instanceof SyntaxError ? error.message : 'unreadable'})`);
  }
  checkBodyValue({ content: value });
  const parsed = jsonContent.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    return issue(first.path.length ? `at '${first.path.join('.')}' ${first.message}` : first.message);
  }
  return { value: parsed.data, contentType };
}

const content = jsonContent.transform((value): Content => ({ value, contentType: JSON_TYPE }));
const formContent = z.file({ error: 'is required: a file part with the content and its media type' }).transform(fileContent);

// What this portal does not keep, refused naming the field rather than silently dropped.
const notKept = (reason: string) => z.never({ error: `is not supported here: ${reason}` }).optional();
const unsupported = {
  externalId: notKept('a document is found by its id'),
  snapshotDescription: notKept('documents have no snapshots here'),
  isPrivate: z
    .union([z.literal(false), z.literal('false')], { error: 'is not supported here: every document of an environment is open to those its policies allow' })
    .optional(),
  isReshareable: notKept('documents are not shared here; policies decide who may read them'),
};

const createFields = { name, type, description: description.optional(), id: z.uuid('must be a document ID (a UUID)').optional(), ...unsupported };
const createBody = z.object({ ...createFields, content });
const createForm = z.object({ ...createFields, content: formContent });

const atLeastOne = <T extends z.ZodObject>(schema: T, fields: string[]) =>
  schema.refine((b: Record<string, unknown>) => fields.some((f) => b[f] !== undefined), { message: `needs at least one of ${fields.join(', ')}` });
const updateFields = { name: name.optional(), type: type.optional(), description: description.optional(), ...unsupported };
const updateBody = atLeastOne(z.object({ ...updateFields, content: content.optional() }), ['name', 'type', 'description', 'content']);
const updateForm = atLeastOne(z.object({ ...updateFields, content: formContent.optional() }), ['name', 'type', 'description', 'content']);
const metadataBody = atLeastOne(z.object({ name: name.optional(), type: type.optional() }), ['name', 'type']);
const contentBody = z.object({ content });
const contentForm = z.object({ content: formContent });

const idParams = z.object({ id: z.uuid('must be a document ID (a UUID)') });
const adminAccess = z
  .enum(['false'], { error: 'is not supported here: policies decide what each owner may do, with no elevated access' })
  .optional();
const noSnapshots = notKept('documents have no snapshots here');
const lockingShape = {
  // The official client always names the version; a plain call without one changes the current version.
  'optimistic-locking-version': z
    .string()
    .regex(/^[1-9]\d{0,8}$/, "must be the document's version (a whole number), as its metadata gives it")
    .optional(),
  'admin-access': adminAccess,
};
const lockingQuery = queryParameters(lockingShape, { takes: ['optimistic-locking-version'] });
const readShape = { 'snapshot-version': noSnapshots, 'admin-access': adminAccess, 'add-fields': z.string().max(500).optional() };
const readQuery = queryParameters(readShape, { takes: ['add-fields'] });
const downloadQuery = queryParameters(
  { ...readShape, filename: z.string().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters').optional() },
  { takes: ['filename', 'add-fields'] },
);

const pageSize = pageQuery.limit.unwrap().optional();
const listQuery = queryParameters(
  {
    ...pageQuery,
    'page-size': pageSize,
    filter: z.string().max(MAX_FILTER_LENGTH, `must be at most ${MAX_FILTER_LENGTH} characters`).optional(),
    type: type.optional(),
    sort: notKept('documents are listed oldest first, and a page key continues the list'),
    page: notKept('a page key (page-key, from nextPageKey) continues the list'),
    'admin-access': adminAccess,
    'add-fields': z.string().max(500).optional(),
  },
  { takes: ['filter', 'type', 'page-size', 'page-key', 'add-fields'] },
);
const position = timeIdPosition;

const modificationInfo = z.object({
  createdBy: z.string(),
  createdTime: z.iso.datetime(),
  lastModifiedBy: z.string(),
  lastModifiedTime: z.iso.datetime(),
});
const documentMetadata = z
  .object({
    id: z.uuid(),
    name: z.string(),
    type: z.string(),
    description: z.string().optional(),
    version: z.string().meta({ description: 'Every change adds one; give it as optimistic-locking-version to change the document.' }),
    owner: z.string().meta({ description: 'The ID of the user or service user that owns the document; empty when it no longer exists.' }),
    modificationInfo,
    access: z.array(z.enum(['read', 'write', 'delete'])).meta({ description: 'What the calling token may do with the document.' }),
    isPrivate: z.boolean(),
  })
  .meta({ id: 'DocumentMetadata' });
const documentList = z.object({
  documents: z.array(documentMetadata),
  nextPageKey: z.string().optional().meta({ description: 'Absent on the last page.' }),
  totalCount: z.number().int().meta({ description: 'How many documents the filter matches that the owner may read.' }),
});
const documentParts = z.object({ metadata: documentMetadata, content: z.file() });
const updateResult = z.object({ documentMetadata });

const metadataColumns = {
  id: documents.id,
  name: documents.name,
  type: documents.type,
  description: documents.description,
  version: documents.version,
  contentType: documents.contentType,
  ownerUserId: documents.ownerUserId,
  ownerServiceUserId: documents.ownerServiceUserId,
  lastModifiedBy: documents.lastModifiedBy,
  createdAt: documents.createdAt,
  updatedAt: documents.updatedAt,
};

type MetadataRow = {
  id: string;
  name: string;
  type: string;
  description: string | null;
  version: number;
  ownerUserId: string | null;
  ownerServiceUserId: string | null;
  lastModifiedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
};

function metadataView(row: MetadataRow, ctx: PlatformContext): z.input<typeof documentMetadata> {
  const owner = row.ownerUserId ?? row.ownerServiceUserId ?? '';
  const attributes = { [TYPE]: row.type };
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    ...(row.description === null ? {} : { description: row.description }),
    version: String(row.version),
    owner,
    modificationInfo: {
      createdBy: owner,
      createdTime: row.createdAt.toISOString(),
      lastModifiedBy: row.lastModifiedBy ?? owner,
      lastModifiedTime: row.updatedAt.toISOString(),
    },
    access: (['read', 'write', 'delete'] as const).filter((a) => ctx.permits(`document:documents:${a}`, attributes)),
    isPrivate: false,
  };
}

/** The content as it is downloaded: JSON as JSON text, other text as it was uploaded. */
function contentFile(row: { name: string; content: unknown; contentType: string }, filename?: string): File {
  const text = isJsonType(row.contentType) || typeof row.content !== 'string' ? JSON.stringify(row.content) : row.content;
  return new File([text], filename ?? row.name, { type: row.contentType });
}

const inEnvironment = (ctx: PlatformContext, id: string) => and(eq(documents.id, id), eq(documents.environmentId, ctx.environmentId));

/** The document, after the owner's permission to read it. */
async function readDocument(db: Executor, ctx: PlatformContext, id: string) {
  const [row] = await db
    .select({ ...metadataColumns, content: documents.content })
    .from(documents)
    .where(inEnvironment(ctx, id))
    .limit(1);
  if (!row) throw notFound(`No document with ID '${id}' in this environment.`);
  ctx.authorize(READ, { [TYPE]: row.type });
  return row;
}

async function readMetadata(db: Executor, ctx: PlatformContext, id: string) {
  const [row] = await db.select(metadataColumns).from(documents).where(inEnvironment(ctx, id)).limit(1);
  if (!row) throw notFound(`No document with ID '${id}' in this environment.`);
  return metadataView(row, ctx);
}

/**
 * Locks the document for a change in this transaction: the owner's permission for its type, then
 * the version the change was made against (409 when another change came first).
 */
async function lockDocument(tx: Executor, ctx: PlatformContext, id: string, scope: typeof WRITE | typeof DELETE, version: string | undefined) {
  const [row] = await tx.select({ type: documents.type, version: documents.version }).from(documents).where(inEnvironment(ctx, id)).for('update');
  if (!row) throw notFound(`No document with ID '${id}' in this environment.`);
  ctx.authorize(scope, { [TYPE]: row.type });
  if (version !== undefined && String(row.version) !== version) {
    throw new PlatformError(409, `The document changed meanwhile: it is at version ${row.version}, not ${version}. Read it again and retry.`);
  }
  return row;
}

interface Change {
  name?: string | undefined;
  type?: string | undefined;
  description?: string | undefined;
  content?: Content | undefined;
}

/** One change of a document, under optimistic locking; the metadata as it is now. */
async function changeDocument(ctx: PlatformContext, id: string, version: string | undefined, change: Change) {
  await ctx.db.transaction(async (tx) => {
    const current = await lockDocument(tx, ctx, id, WRITE, version);
    if (change.type !== undefined && change.type !== current.type) ctx.authorize(WRITE, { [TYPE]: change.type });
    await tx
      .update(documents)
      .set({
        ...(change.name === undefined ? {} : { name: change.name }),
        ...(change.type === undefined ? {} : { type: change.type }),
        ...(change.description === undefined ? {} : { description: change.description }),
        ...(change.content === undefined ? {} : { content: change.content.value, contentType: change.content.contentType }),
        version: sql`${documents.version} + 1`,
        lastModifiedBy: ctx.owner.kind === 'user' ? ctx.owner.userId : ctx.owner.serviceUserId,
        updatedAt: ctx.now,
      })
      .where(eq(documents.id, id));
  });
  return readMetadata(ctx.db, ctx, id);
}

// Reading past documents the owner may not see, a page may come back shorter than asked; a few
// batches at most are read per request, and `nextPageKey` continues where reading stopped.
const MAX_BATCHES = 5;

export const listDocuments = defineEndpoint({
  id: 'document.documents.list',
  service: 'document',
  method: 'GET',
  path: '/document/v1/documents',
  scopes: ['document:documents:read'],
  summary: 'List documents',
  description:
    "`filter` takes the original platform's filter language (e.g. `name == 'Health' and type in ('dashboard', 'notebook')`), on id, name, type, description, version, owner and modificationInfo.*. `page-size` (or `limit`) sets the page's size, `page-key` (or `cursor`) continues the list.",
  query: listQuery,
  responses: { 200: { description: 'A page of the documents the owner may read, without content.', schema: documentList } },
  async handle({ query }, ctx) {
    const size = query['page-size'] ?? query.limit;
    const filters: SQL[] = [eq(documents.environmentId, ctx.environmentId)];
    if (query.type) filters.push(eq(documents.type, query.type));
    if (query.filter !== undefined) filters.push(documentFilter(query.filter));
    let after = readPageKey(query, position);
    const items: z.input<typeof documentMetadata>[] = [];
    let exhausted = false;
    for (let batch = 0; batch < MAX_BATCHES && items.length < size && !exhausted; batch++) {
      const conditions = [...filters];
      if (after) conditions.push(sql`(${documents.createdAt}, ${documents.id}) > (${after[0]}::timestamptz, ${after[1]}::uuid)`);
      const rows = await ctx.db
        .select(metadataColumns)
        .from(documents)
        .where(and(...conditions))
        .orderBy(asc(documents.createdAt), asc(documents.id))
        .limit(size + 1);
      let i = 0;
      for (; i < rows.length && i < size && items.length < size; i++) {
        const row = rows[i]!;
        after = [row.createdAt.toISOString(), row.id];
        if (ctx.permits(READ, { [TYPE]: row.type })) items.push(metadataView(row, ctx));
      }
      exhausted = i >= rows.length;
    }
    // The count per type, so that only the types the owner may read are counted.
    const perType = await ctx.db
      .select({ type: documents.type, count: count() })
      .from(documents)
      .where(and(...filters))
      .groupBy(documents.type);
    const totalCount = perType.reduce((sum, t) => sum + (ctx.permits(READ, { [TYPE]: t.type }) ? Number(t.count) : 0), 0);
    return ok({ documents: items, ...(exhausted || !after ? {} : { nextPageKey: pageKey(after) }), totalCount });
  },
});

export const createDocument = defineEndpoint({
  id: 'document.documents.create',
  service: 'document',
  method: 'POST',
  path: '/document/v1/documents',
  scopes: ['document:documents:write'],
  summary: 'Create a document',
  description:
    'A form (multipart/form-data) with the parts name, type, optional description and id (a UUID), and content: a file part whose media type is kept — JSON content (application/json or +json) is kept as a JSON value, other UTF-8 text as it is. Or JSON with the same fields, content a JSON value.',
  requestBody: 'Form (or JSON object) with name, type and content, and optionally description and id',
  body: createBody,
  formBody: createForm,
  exampleBody: { name: 'Service health', type: 'dashboard', content: { tiles: [] } },
  attributes: ({ body }) => ({ [TYPE]: body.type }),
  responses: { 201: { description: "The new document's metadata (version 1).", schema: documentMetadata } },
  errors: [409],
  async handle({ body }, ctx) {
    const rows = await ctx.db
      .insert(documents)
      .values({
        ...(body.id === undefined ? {} : { id: body.id }),
        environmentId: ctx.environmentId,
        name: body.name,
        type: body.type,
        description: body.description ?? null,
        content: body.content.value,
        contentType: body.content.contentType,
        ...ownerColumns(ctx.owner),
        createdAt: ctx.now,
        updatedAt: ctx.now,
      })
      .onConflictDoNothing({ target: documents.id })
      .returning({ id: documents.id });
    if (rows.length === 0) throw new PlatformError(409, `A document with ID '${body.id}' already exists.`);
    return created(await readMetadata(ctx.db, ctx, rows[0]!.id));
  },
});

export const getDocument = defineEndpoint({
  id: 'document.documents.get',
  service: 'document',
  method: 'GET',
  path: '/document/v1/documents/{id}',
  scopes: ['document:documents:read'],
  summary: 'Get a document: metadata and content',
  description: 'A multipart/form-data answer: the part metadata (JSON text) and the part content (a file of the media type it was uploaded with).',
  params: idParams,
  query: downloadQuery,
  responses: { 200: { description: 'The metadata and the content.', contentType: 'multipart/form-data', schema: documentParts } },
  async handle({ params, query }, ctx) {
    const row = await readDocument(ctx.db, ctx, params.id);
    return ok({ metadata: metadataView(row, ctx), content: contentFile(row, query.filename) });
  },
});

export const getDocumentMetadata = defineEndpoint({
  id: 'document.documents.metadata.get',
  service: 'document',
  method: 'GET',
  path: '/document/v1/documents/{id}/metadata',
  scopes: ['document:documents:read'],
  summary: "Get a document's metadata",
  params: idParams,
  query: readQuery,
  responses: { 200: { description: 'The metadata, with the version to change the document at.', schema: documentMetadata } },
  async handle({ params }, ctx) {
    const row = await readDocument(ctx.db, ctx, params.id);
    return ok(metadataView(row, ctx));
  },
});

export const downloadDocumentContent = defineEndpoint({
  id: 'document.documents.content.get',
  service: 'document',
  method: 'GET',
  path: '/document/v1/documents/{id}/content',
  scopes: ['document:documents:read'],
  summary: "Download a document's content",
  params: idParams,
  query: downloadQuery,
  responses: { 200: { description: 'The content, with the media type it was uploaded with.', contentType: '*/*', schema: z.file() } },
  async handle({ params, query }, ctx) {
    const row = await readDocument(ctx.db, ctx, params.id);
    return ok(contentFile(row, query.filename));
  },
});

export const updateDocument = defineEndpoint({
  id: 'document.documents.update',
  service: 'document',
  method: 'PATCH',
  path: '/document/v1/documents/{id}',
  scopes: ['document:documents:write'],
  summary: 'Update a document: metadata and content',
  description: 'Any of name, type, description and content, as a form or JSON, at the version `optimistic-locking-version` names when given (409 when it is not the current one).',
  requestBody: 'Form (or JSON object) with any of name, type, description and content',
  params: idParams,
  query: queryParameters(
    { ...lockingShape, 'create-snapshot': z.enum(['false'], { error: 'is not supported here: documents have no snapshots here' }).optional() },
    { takes: ['optimistic-locking-version'] },
  ),
  body: updateBody,
  formBody: updateForm,
  exampleBody: { name: 'Service health (v2)' },
  responses: { 200: { description: 'The metadata as it is now.', schema: updateResult } },
  errors: [409],
  async handle({ params, query, body }, ctx) {
    return ok({ documentMetadata: await changeDocument(ctx, params.id, query['optimistic-locking-version'], body) });
  },
});

export const replaceDocument = defineEndpoint({
  id: 'document.documents.replace',
  service: 'document',
  method: 'PUT',
  path: '/document/v1/documents/{id}',
  scopes: ['document:documents:write'],
  summary: 'Update a document (JSON)',
  description: 'The same change as PATCH, for callers that send JSON: any of name, type, description and content, at the version `optimistic-locking-version` names when given (409 when it is not the current one).',
  requestBody: 'JSON object with any of name, type, description and content',
  params: idParams,
  query: lockingQuery,
  body: updateBody,
  exampleBody: { name: 'Service health (v2)' },
  responses: { 200: { description: 'The metadata as it is now.', schema: updateResult } },
  errors: [409],
  async handle({ params, query, body }, ctx) {
    return ok({ documentMetadata: await changeDocument(ctx, params.id, query['optimistic-locking-version'], body) });
  },
});

export const updateDocumentMetadata = defineEndpoint({
  id: 'document.documents.metadata.update',
  service: 'document',
  method: 'PATCH',
  path: '/document/v1/documents/{id}/metadata',
  scopes: ['document:documents:write'],
  summary: "Update a document's name or type",
  requestBody: 'Form (or JSON object) with any of name and type',
  params: idParams,
  query: lockingQuery,
  body: metadataBody,
  formBody: metadataBody,
  exampleBody: { name: 'Service health (v2)' },
  responses: { 200: { description: 'The metadata as it is now.', schema: documentMetadata } },
  errors: [409],
  async handle({ params, query, body }, ctx) {
    return ok(await changeDocument(ctx, params.id, query['optimistic-locking-version'], body));
  },
});

export const updateDocumentContent = defineEndpoint({
  id: 'document.documents.content.update',
  service: 'document',
  method: 'PUT',
  path: '/document/v1/documents/{id}/content',
  scopes: ['document:documents:write'],
  summary: "Replace a document's content",
  requestBody: 'Form with the file part content (or a JSON object with content)',
  params: idParams,
  query: lockingQuery,
  body: contentBody,
  formBody: contentForm,
  exampleBody: { content: { tiles: [] } },
  responses: { 200: { description: 'The metadata as it is now.', schema: documentMetadata } },
  errors: [409],
  async handle({ params, query, body }, ctx) {
    return ok(await changeDocument(ctx, params.id, query['optimistic-locking-version'], body));
  },
});

export const deleteDocument = defineEndpoint({
  id: 'document.documents.delete',
  service: 'document',
  method: 'DELETE',
  path: '/document/v1/documents/{id}',
  scopes: ['document:documents:delete'],
  summary: 'Delete a document',
  description: 'At the version `optimistic-locking-version` names when given (409 when it is not the current one). Deleted documents are gone: there is no trash here.',
  params: idParams,
  query: lockingQuery,
  responses: { 204: { description: 'The document is deleted.' } },
  errors: [409],
  async handle({ params, query }, ctx) {
    await ctx.db.transaction(async (tx) => {
      await lockDocument(tx, ctx, params.id, DELETE, query['optimistic-locking-version']);
      await tx.delete(documents).where(eq(documents.id, params.id));
    });
    return noContent();
  },
});

export const documentEndpoints = [
  listDocuments,
  createDocument,
  getDocument,
  getDocumentMetadata,
  downloadDocumentContent,
  updateDocument,
  replaceDocument,
  updateDocumentMetadata,
  updateDocumentContent,
  deleteDocument,
];
