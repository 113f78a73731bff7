import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { identityOf } from '@/lib/testing/tokens';
import { createTestPlatform, grantTestPolicy, insertTestToken, platformRequest, readResponse, type PlatformCall } from '../testing';

const READ = 'document:documents:read';
const WRITE = 'document:documents:write';
const DELETE = 'document:documents:delete';
const DOCS = '/document/v1/documents';

let database: TestDatabase;
let platform: ReturnType<typeof createTestPlatform>;
let alice: string;

beforeAll(async () => {
  database = await createTestDatabase();
  platform = createTestPlatform(database.db);
  alice = (await insertTestToken(database.db, { scopes: [READ, WRITE, DELETE] })).token;
});
afterAll(async () => {
  platform.unsubscribe();
  await database.close();
});

async function call(path: string, init: PlatformCall & { env?: string } = {}) {
  return readResponse(await platform.handle(platformRequest(init.env ?? 'acme-prod', path, { token: alice, ...init })));
}

type Doc = { id: string; name: string; type: string; version: string; owner: string; access: string[]; modificationInfo: Record<string, string> };

/** The content as downloaded, with its media type. */
async function download(id: string) {
  const response = await platform.handle(platformRequest('acme-prod', `${DOCS}/${id}/content`, { token: alice }));
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

describe('documents', () => {
  it('are created, read, updated at their version and deleted, with JSON or string content', async () => {
    const created = await call(DOCS, { method: 'POST', body: { name: ' Latency ', type: 'dashboard', content: { tiles: [1, 2] } } });
    expect(created.status).toBe(201);
    const doc = created.body as Doc;
    const { userId } = await identityOf(database.db, 'acme', 'alice@example.com');
    expect(doc).toMatchObject({ name: 'Latency', type: 'dashboard', version: '1', owner: userId, access: ['read', 'write', 'delete'], isPrivate: false });
    expect(doc.modificationInfo).toMatchObject({ createdBy: userId, lastModifiedBy: userId });

    expect((await call(`${DOCS}/${doc.id}/metadata`)).body).toEqual(doc);
    expect(await download(doc.id)).toEqual({ status: 200, type: 'application/json', text: '{"tiles":[1,2]}' });
    const updated = await call(`${DOCS}/${doc.id}?optimistic-locking-version=1`, { method: 'PATCH', body: { content: '{"looks":"like JSON"}' } });
    expect(updated.status).toBe(200);
    expect(updated.body.documentMetadata).toMatchObject({ id: doc.id, name: 'Latency', version: '2' });
    expect((await download(doc.id)).text).toBe('"{\\"looks\\":\\"like JSON\\"}"');

    const stale = await call(`${DOCS}/${doc.id}?optimistic-locking-version=1`, { method: 'DELETE' });
    expect(stale).toMatchObject({ status: 409, body: { error: { message: 'The document changed meanwhile: it is at version 2, not 1. Read it again and retry.' } } });
    expect((await call(`${DOCS}/${doc.id}?optimistic-locking-version=2`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(`${DOCS}/${doc.id}/metadata`)).status).toBe(404);
    expect((await call(`${DOCS}/${doc.id}?optimistic-locking-version=2`, { method: 'DELETE' })).status).toBe(404);
  });

  it('change the current version when a call names no optimistic-locking-version, and refuse a malformed one, naming it', async () => {
    const { body } = await call(DOCS, { method: 'POST', body: { name: 'Locked', type: 'notebook', content: 1 } });
    const id = (body as Doc).id;
    expect(await call(`${DOCS}/${id}`, { method: 'PATCH', body: { name: 'Renamed' } })).toMatchObject({
      status: 200,
      body: { documentMetadata: { name: 'Renamed', version: '2' } },
    });
    expect(await call(`${DOCS}/${id}?optimistic-locking-version=v1`, { method: 'DELETE' })).toMatchObject({
      status: 400,
      body: { error: { message: "Invalid query parameter 'optimistic-locking-version': must be the document's version (a whole number), as its metadata gives it" } },
    });
    expect((await call(`${DOCS}/${id}/metadata`)).body).toMatchObject({ name: 'Renamed', version: '2' });
    expect((await call(`${DOCS}/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(`${DOCS}/${id}/metadata`)).status).toBe(404);
  });

  it('of two changes at the same version, keep one and refuse the other with 409', async () => {
    const { body } = await call(DOCS, { method: 'POST', body: { name: 'Raced', type: 'notebook', content: 0 } });
    const id = (body as Doc).id;
    const results = await Promise.all(
      [1, 2, 3].map((n) => call(`${DOCS}/${id}?optimistic-locking-version=1`, { method: 'PATCH', body: { content: n } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    expect((await call(`${DOCS}/${id}/metadata`)).body).toMatchObject({ version: '2' });
  });

  it('take an ID of the caller’s choosing (a UUID) once; a second create with it is a 409', async () => {
    const id = '7b0c7f4e-3d7a-4a36-9a57-0f4f1c2a9e01';
    expect((await call(DOCS, { method: 'POST', body: { id, name: 'Chosen', type: 'dashboard', content: {} } })).body).toMatchObject({ id, version: '1' });
    expect(await call(DOCS, { env: 'acme-staging', method: 'POST', body: { id, name: 'Again', type: 'dashboard', content: {} } })).toMatchObject({
      status: 409,
      body: { error: { message: `A document with ID '${id}' already exists.` } },
    });
    expect(await call(DOCS, { method: 'POST', body: { id: 'my-board', name: 'x', type: 'dashboard', content: {} } })).toMatchObject({
      status: 400,
      body: { error: { message: "Invalid request body field 'id': must be a document ID (a UUID)" } },
    });
    expect((await call(`${DOCS}/${id}/metadata`)).body).toMatchObject({ name: 'Chosen' });
  });

  it('stay in their environment', async () => {
    const { body } = await call(DOCS, { method: 'POST', body: { name: 'Prod only', type: 'notebook', content: 'x' } });
    const id = (body as Doc).id;
    expect((await call(`${DOCS}/${id}/metadata`, { env: 'acme-staging' })).status).toBe(404);
    const staging = await call(DOCS, { env: 'acme-staging' });
    expect((staging.body.documents as Doc[]).map((d) => d.id)).not.toContain(id);
  });

  it('refuse an update without changes, and a PUT without a body', async () => {
    const { body } = await call(DOCS, { method: 'POST', body: { name: 'Empty update', type: 'notebook', content: 1 } });
    const id = (body as Doc).id;
    expect(await call(`${DOCS}/${id}?optimistic-locking-version=1`, { method: 'PATCH', body: {} })).toMatchObject({
      status: 400,
      body: { error: { message: 'Invalid request body: needs at least one of name, type, description, content' } },
    });
    expect((await call(`${DOCS}/${id}?optimistic-locking-version=1`, { method: 'PATCH' })).status).toBe(400);
    // PUT on the document is the same change for callers that send JSON (PRODUCT.md §7), locked when it names a version.
    expect(await call(`${DOCS}/${id}`, { method: 'PUT', body: { name: 'By PUT' } })).toMatchObject({ status: 200, body: { documentMetadata: { name: 'By PUT', version: '2' } } });
    expect(await call(`${DOCS}/${id}?optimistic-locking-version=1`, { method: 'PUT', body: { name: 'Stale' } })).toMatchObject({ status: 409 });
    expect((await call(`${DOCS}/${id}?optimistic-locking-version=2`, { method: 'PUT' })).status).toBe(400);
    expect((await call(`${DOCS}/${id}/metadata`)).body).toMatchObject({ name: 'By PUT', version: '2' });
  });

  it('list in pages that neither skip nor repeat, by page-key or cursor', async () => {
    const env = 'acme-staging';
    const names = Array.from({ length: 7 }, (_, i) => `Paged ${i}`);
    for (const name of names) await call(DOCS, { env, method: 'POST', body: { name, type: 'paged', content: {} } });
    const seen: string[] = [];
    let key: string | null = null;
    let pages = 0;
    do {
      const param: string = key ? `&${pages % 2 ? 'page-key' : 'cursor'}=${key}` : '';
      const page = await call(`${DOCS}?type=paged&limit=3${param}`, { env });
      expect(page.status).toBe(200);
      seen.push(...(page.body.documents as Doc[]).map((d) => d.name));
      key = page.body.nextPageKey as string | null;
      pages++;
    } while (key);
    // Oldest first; documents created within the same millisecond follow their IDs.
    expect(seen).toHaveLength(7);
    expect([...seen].sort()).toEqual(names);
    expect(pages).toBe(3);
    expect(await call(`${DOCS}?page-key=garbage`, { env })).toMatchObject({
      status: 400,
      body: { error: { message: "Invalid query parameter 'page-key': is not a page key of this list." } },
    });
    expect((await call(`${DOCS}?limit=1001`, { env })).status).toBe(400);
    // A key of a time PostgreSQL cannot read (year 0000) is no page key either.
    const yearZero = Buffer.from(JSON.stringify(['0000-01-01T00:00:00Z', '7b0c7f4e-3d7a-4a36-9a57-0f4f1c2a9e01'])).toString('base64url');
    expect(await call(`${DOCS}?page-key=${yearZero}`, { env })).toMatchObject({
      status: 400,
      body: { error: { message: "Invalid query parameter 'page-key': is not a page key of this list." } },
    });
  });

  it('refuse a filter value outside what a version or a time can be with a 400 naming the filter', async () => {
    const refused = async (filter: string) => (await call(`${DOCS}?filter=${encodeURIComponent(filter)}`)).body.error;
    expect(await refused('version >= 3000000000')).toMatchObject({
      code: 400,
      message: "Invalid query parameter 'filter': 'version' is compared with a whole number up to 2147483647, not '3000000000' (at character 12).",
    });
    expect(await refused('version in (1, -99999999999)')).toMatchObject({ code: 400, message: expect.stringContaining("not '-99999999999'") });
    for (const time of ['+010000-01-01T00:00:00Z', '-000001-01-01T00:00:00Z', '0000-01-01']) {
      expect(await refused(`modificationInfo.createdTime > '${time}'`)).toMatchObject({
        code: 400,
        message: `Invalid query parameter 'filter': '${time}' is not a time between the years 1 and 9999 such as '2026-01-01T00:00:00.000Z' (at character 32).`,
      });
    }
  });

  it('need their own scope for each action', async () => {
    const readOnly = (await insertTestToken(database.db, { scopes: [READ] })).token;
    const r = await call(DOCS, { token: readOnly, method: 'POST', body: { name: 'x', type: 'x', content: 1 } });
    expect(r).toMatchObject({ status: 403, body: { error: { message: `Missing scope '${WRITE}': the token was not generated with it.` } } });
  });
});

describe('documents and the document-type condition', () => {
  it('hide, refuse and allow per type as the owner’s policies say', async () => {
    const bob = (await insertTestToken(database.db, { owner: 'bob@example.com', scopes: [READ, WRITE, DELETE] })).token;
    const dashboard = (await call(DOCS, { method: 'POST', body: { name: 'Secret board', type: 'secret-board', content: {} } })).body as Doc;
    const notebook = (await call(DOCS, { method: 'POST', body: { name: 'Open notes', type: 'open-notes', content: {} } })).body as Doc;
    await grantTestPolicy(
      database.db,
      'acme',
      'bob@example.com',
      [
        'DENY document:documents:read WHERE document:document-type = "secret-board";',
        'DENY document:documents:write, document:documents:delete WHERE document:document-type IN ("secret-board", "frozen");',
      ].join('\n'),
    );
    const asBob = (path: string, init: PlatformCall = {}) => call(path, { token: bob, ...init });

    const names = ((await asBob(DOCS)).body.documents as Doc[]).map((d) => d.name);
    expect(names).toContain('Open notes');
    expect(names).not.toContain('Secret board');
    expect(await asBob(`${DOCS}/${dashboard.id}/metadata`)).toMatchObject({
      status: 403,
      body: { error: { message: expect.stringContaining("lacks the permission 'document:documents:read'") } },
    });
    expect((await asBob(`${DOCS}/${notebook.id}/metadata`)).status).toBe(200);
    expect((await asBob(DOCS, { method: 'POST', body: { name: 'x', type: 'frozen', content: 1 } })).status).toBe(403);
    expect((await asBob(`${DOCS}/${notebook.id}?optimistic-locking-version=1`, { method: 'PATCH', body: { type: 'frozen' } })).status).toBe(403);
    expect((await asBob(`${DOCS}/${dashboard.id}?optimistic-locking-version=1`, { method: 'DELETE' })).status).toBe(403);
    expect((await call(`${DOCS}/${dashboard.id}/metadata`)).status).toBe(200);
    expect((await asBob(`${DOCS}/${notebook.id}?optimistic-locking-version=1`, { method: 'PATCH', body: { name: 'Renamed' } })).status).toBe(200);
    // The list counts only what the owner may read, and says what each document allows.
    const listed = (await asBob(`${DOCS}?filter=${encodeURIComponent("name in ('Secret board', 'Renamed')")}`)).body;
    expect(listed).toMatchObject({ totalCount: 1, documents: [{ name: 'Renamed', access: ['read', 'write', 'delete'] }] });
  });
});
