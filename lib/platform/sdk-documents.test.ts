import {
  BadRequest,
  Conflict,
  DocumentLockingClient,
  DocumentNotFound,
  DocumentOrSnapshotNotFound,
  DocumentsClient,
  Forbidden,
  TrashClient,
  type DocumentMetaData,
} from '@dynatrace-sdk/client-document';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sdkClient as client, sdkRefusal, startSdkPlatform } from './sdk-testing';
import { insertTestToken } from './testing';

const platform = startSdkPlatform();
afterEach(() => vi.unstubAllGlobals());

const ALL = ['document:documents:read', 'document:documents:write', 'document:documents:delete'] as const;

async function documentsOf(environmentIds: string[], scopes: readonly string[] = ALL) {
  const { token } = await insertTestToken(platform.database.db, { scopes: [...scopes], environmentIds });
  return (environmentId: string) => new DocumentsClient(client(platform.hostUrl(environmentId), token));
}

const json = (value: unknown) => new Blob([JSON.stringify(value)], { type: 'application/json' });

describe('@dynatrace-sdk/client-document', () => {
  it('createDocument, getDocument, getDocumentMetadata, downloadDocumentContent: multipart in and out, the media type kept', async () => {
    const documents = (await documentsOf(['acme-prod']))('acme-prod');
    const created = await documents.createDocument({
      body: { name: 'Service health', type: 'dashboard', description: 'Latency and errors', content: json({ tiles: ['latency'] }) },
    });
    expect(created).toMatchObject({ name: 'Service health', type: 'dashboard', description: 'Latency and errors', version: '1', isPrivate: false });
    expect(created.access).toEqual(['read', 'write', 'delete']);
    expect(created.modificationInfo.createdTime).toBeInstanceOf(Date);

    // The SDK reads a multipart answer with navigator.vendor, which Node has from version 21 on.
    if (typeof navigator === 'undefined') vi.stubGlobal('navigator', { vendor: '' });
    const { metadata, content } = await documents.getDocument({ id: created.id });
    expect(metadata).toMatchObject({ id: created.id, version: '1' });
    expect(metadata?.modificationInfo.lastModifiedTime).toBeInstanceOf(Date);
    expect(await content!.get('json')).toEqual({ tiles: ['latency'] });
    expect(await documents.getDocumentMetadata({ id: created.id })).toEqual(created);
    expect(await (await documents.downloadDocumentContent({ id: created.id })).get('json')).toEqual({ tiles: ['latency'] });

    // Text that is not JSON is kept as it is, with its media type.
    const notes = await documents.createDocument({ body: { name: 'Runbook', type: 'notebook', content: new Blob(['# Restart\nthe pod'], { type: 'text/markdown' }) } });
    expect(await (await documents.downloadDocumentContent({ id: notes.id })).get('text')).toBe('# Restart\nthe pod');
  });

  it('updateDocument, updateDocumentMetadata, updateDocumentContent, deleteDocument under optimistic locking; a stale version is a Conflict', async () => {
    const documents = (await documentsOf(['acme-prod']))('acme-prod');
    const doc = await documents.createDocument({ body: { name: 'Locked board', type: 'dashboard', content: json({ v: 1 }) } });

    const updated = await documents.updateDocument({ id: doc.id, optimisticLockingVersion: doc.version, body: { name: 'Locked board (2)', content: json({ v: 2 }) } });
    expect(updated.documentMetadata).toMatchObject({ name: 'Locked board (2)', version: '2' });
    const stale = documents.updateDocument({ id: doc.id, optimisticLockingVersion: doc.version, body: { name: 'Lost update' } });
    await expect(stale).rejects.toBeInstanceOf(Conflict);
    await expect(stale).rejects.toMatchObject({ message: 'The document changed meanwhile: it is at version 2, not 1. Read it again and retry.' });

    const renamed = await documents.updateDocumentMetadata({ id: doc.id, optimisticLockingVersion: '2', body: { type: 'board' } });
    expect(renamed).toMatchObject({ name: 'Locked board (2)', type: 'board', version: '3' });
    const replaced = await documents.updateDocumentContent({ id: doc.id, optimisticLockingVersion: '3', body: { content: json({ v: 4 }) } });
    expect(replaced.version).toBe('4');
    expect(await (await documents.downloadDocumentContent({ id: doc.id })).get('json')).toEqual({ v: 4 });

    await expect(documents.deleteDocument({ id: doc.id, optimisticLockingVersion: '3' })).rejects.toBeInstanceOf(Conflict);
    await expect(documents.deleteDocument({ id: doc.id, optimisticLockingVersion: '4' })).resolves.toBeUndefined();
    await expect(documents.getDocument({ id: doc.id })).rejects.toBeInstanceOf(DocumentOrSnapshotNotFound);
    const gone = documents.deleteDocument({ id: doc.id, optimisticLockingVersion: '4' });
    await expect(gone).rejects.toBeInstanceOf(DocumentNotFound);
    await expect(gone).rejects.toMatchObject({ message: `No document with ID '${doc.id}' in this environment.` });
  });

  it('listDocuments: filter, page-size, page-key and nextPageKey, totalCount', async () => {
    const documents = (await documentsOf(['acme-staging']))('acme-staging');
    const run = `list-${Date.now()}`;
    for (let i = 0; i < 5; i++) await documents.createDocument({ body: { name: `${run} ${i}`, type: i % 2 ? 'notebook' : 'dashboard', content: json({ i }) } });

    const seen: DocumentMetaData[] = [];
    let pageKey: string | undefined;
    let pages = 0;
    do {
      const page = await documents.listDocuments({ filter: `name starts-with '${run}' and type == 'dashboard'`, pageSize: 2, ...(pageKey ? { pageKey } : {}) });
      expect(page.totalCount).toBe(3);
      seen.push(...page.documents);
      pageKey = page.nextPageKey;
      pages++;
    } while (pageKey);
    expect(pages).toBe(2);
    expect(seen.map((d) => d.name)).toEqual([`${run} 0`, `${run} 2`, `${run} 4`]);
    expect(seen[0]!.modificationInfo.createdTime).toBeInstanceOf(Date);

    const some = await documents.listDocuments({ filter: `name in ('${run} 1', '${run} 3') or (version >= 2 and name contains '${run.toUpperCase()}')` });
    expect(some.documents.map((d) => d.name)).toEqual([`${run} 1`, `${run} 3`]);
  });

  it('bad input is a BadRequest naming the field or the part, and nothing is stored', async () => {
    const documents = (await documentsOf(['acme-prod']))('acme-prod');
    const badFilter = documents.listDocuments({ filter: "colour == 'red'" });
    await expect(badFilter).rejects.toBeInstanceOf(BadRequest);
    await expect(badFilter).rejects.toMatchObject({ message: expect.stringContaining("Invalid query parameter 'filter': 'colour' is not a field documents can be filtered by") as unknown });
    await expect(documents.listDocuments({ filter: "name == 'unclosed" })).rejects.toMatchObject({
      message: "Invalid query parameter 'filter': a quoted value is not closed (at character 9).",
    });
    const notJson = documents.createDocument({ body: { name: 'Broken', type: 'dashboard', content: new Blob(['{"tiles":'], { type: 'application/json' }) } });
    await expect(notJson).rejects.toBeInstanceOf(BadRequest);
    await expect(notJson).rejects.toMatchObject({ message: expect.stringContaining("Invalid request body part 'content': is not valid JSON, as its media type application/json says") as unknown });
    await expect(documents.createDocument({ body: { name: '', type: 'dashboard', content: json({}) } })).rejects.toMatchObject({
      message: "Invalid request body part 'name': must not be empty",
    });
    await expect(documents.createDocument({ body: { name: 'Binary', type: 'dashboard', content: new Blob([new Uint8Array([0xff, 0xfe, 0x00])]) } })).rejects.toMatchObject({
      message: "Invalid request body part 'content': is not UTF-8 text (application/octet-stream): documents here hold JSON or text",
    });
    await expect(documents.listDocuments({ sort: 'name' })).rejects.toMatchObject({
      message: "Invalid query parameter 'sort': is not supported here: documents are listed oldest first, and a page key continues the list",
    });
    const listed = await documents.listDocuments({ filter: "name in ('Broken', 'Binary', '')" });
    expect(listed).toMatchObject({ documents: [], totalCount: 0 });
  });

  it('a form the parser cannot read, or a part given twice, is a 400 saying so', async () => {
    const { token } = await insertTestToken(platform.database.db, { scopes: [...ALL], environmentIds: ['acme-prod'] });
    const post = (body: string, type: string) =>
      fetch(`${platform.hostUrl('acme-prod')}/platform/document/v1/documents`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': type }, body });
    const cut = await post('--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nx', 'multipart/form-data; boundary=b');
    expect(cut.status).toBe(400);
    expect(((await cut.json()) as { error: { message: string } }).error.message).toMatch(/^Invalid request body: not a readable multipart\/form-data body/);
    const noBoundary = await post('', 'multipart/form-data');
    expect(((await noBoundary.json()) as { error: { message: string } }).error.message).toBe("Invalid header 'content-type': multipart/form-data needs a boundary parameter.");
    const part = (name: string, value: string) => `--form-boundary\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const twice = await post(`${part('name', 'a')}${part('name', 'b')}--form-boundary--\r\n`, 'multipart/form-data; boundary=form-boundary');
    expect(await twice.json()).toEqual({ error: { code: 400, message: "Invalid request body part 'name': given more than once." } });
    // A part named __proto__ is one more part like any other, never the parts' prototype: with
    // every field given, or without the name.
    const file = (name: string, value: string) =>
      `--form-boundary\r\nContent-Disposition: form-data; name="${name}"; filename="${name}.json"\r\nContent-Type: application/json\r\n\r\n${value}\r\n`;
    const answer = async (extra: string, fields: string) => {
      const response = await post(`${file(extra, '{}')}${fields}${file('content', '{"a":1}')}--form-boundary--\r\n`, 'multipart/form-data; boundary=form-boundary');
      const body = (await response.json()) as { error?: { message: string } };
      return [response.status, body.error?.message ?? null];
    };
    expect(await answer('__proto__', `${part('name', 'n')}${part('type', 'dashboard')}`)).toEqual([201, null]);
    expect(await answer('__proto__', part('type', 'dashboard'))).toEqual(await answer('extra', part('type', 'dashboard')));
    expect(await answer('__proto__', part('type', 'dashboard'))).toEqual([400, "Invalid request body part 'name': is required and must be a string"]);
  });

  it('the owner’s policies hold: a type the owner may not write is Forbidden', async () => {
    const documents = (await documentsOf(['acme-prod'], ['document:documents:read']))('acme-prod');
    const refusal = documents.createDocument({ body: { name: 'x', type: 'dashboard', content: json({}) } });
    await expect(refusal).rejects.toBeInstanceOf(Forbidden);
    await expect(refusal).rejects.toMatchObject({ message: "Missing scope 'document:documents:write': the token was not generated with it." });
  });
});

describe('@dynatrace-sdk/client-document: what the portal does not offer (README, "Platform API")', () => {
  it('snapshots, trash, locks and sharing are not served: 404 with the portal’s message; snapshot and admin parameters are refused by name', async () => {
    const documents = (await documentsOf(['acme-prod']))('acme-prod');
    const doc = await documents.createDocument({ body: { name: 'Unsupported', type: 'dashboard', content: json({}) } });
    const noSuchEndpoint = 'No such endpoint. GET /api/openapi.json lists every endpoint.';
    await expect(documents.listSnapshots({ id: doc.id })).rejects.toMatchObject({ message: noSuchEndpoint });
    const { token } = await insertTestToken(platform.database.db, { scopes: [...ALL], environmentIds: ['acme-prod'] });
    const http = client(platform.hostUrl('acme-prod'), token);
    await expect(new TrashClient(http).listTrashedDocuments()).rejects.toMatchObject({ message: noSuchEndpoint });
    // `{id}:acquire-lock` is read as a document ID, where only GET, PUT, PATCH and DELETE are served.
    expect(await sdkRefusal(new DocumentLockingClient(http).acquireLock({ id: doc.id, body: { documentVersion: 1 } }))).toEqual({
      status: 405,
      message: 'Method POST is not allowed here; use GET or PUT or PATCH or DELETE.',
    });

    await expect(documents.updateDocument({ id: doc.id, optimisticLockingVersion: '1', createSnapshot: true, body: { name: 'x' } })).rejects.toMatchObject({
      message: "Invalid query parameter 'create-snapshot': is not supported here: documents have no snapshots here",
    });
    await expect(documents.getDocument({ id: doc.id, snapshotVersion: 1 })).rejects.toMatchObject({
      message: "Invalid query parameter 'snapshot-version': is not supported here: documents have no snapshots here",
    });
    await expect(documents.listDocuments({ adminAccess: true })).rejects.toMatchObject({
      message: "Invalid query parameter 'admin-access': is not supported here: policies decide what each owner may do, with no elevated access",
    });
    await expect(documents.updateDocument({ id: doc.id, optimisticLockingVersion: '1', body: { isPrivate: true } })).rejects.toMatchObject({
      message: "Invalid request body part 'isPrivate': is not supported here: every document of an environment is open to those its policies allow",
    });
    expect((await documents.getDocumentMetadata({ id: doc.id })).version).toBe('1');
  });
});

describe("the seed's job \"dashboards kept in sync across environments\", written as the SDK's documentation shows it", () => {
  it('lists the dashboards of acme-prod and creates or updates each in acme-staging, with optimistic locking', async () => {
    const { token } = await insertTestToken(platform.database.db, { scopes: [...ALL], environmentIds: ['acme-prod', 'acme-staging'] });
    const prod = new DocumentsClient(client(platform.hostUrl('acme-prod'), token));
    const staging = new DocumentsClient(client(platform.hostUrl('acme-staging'), token));
    const run = `sync-${Date.now()}`;
    const first = await prod.createDocument({ body: { name: `${run} latency`, type: 'dashboard', content: json({ tiles: ['latency'] }) } });
    await prod.createDocument({ body: { name: `${run} errors`, type: 'dashboard', content: json({ tiles: ['errors'] }) } });

    async function sync() {
      let pageKey: string | undefined;
      do {
        const page = await prod.listDocuments({ filter: `type == 'dashboard' and name starts-with '${run}'`, pageSize: 1, ...(pageKey ? { pageKey } : {}) });
        for (const source of page.documents) {
          const content = await prod.downloadDocumentContent({ id: source.id });
          const blob = new Blob([await content.get('text')], { type: 'application/json' });
          const [target] = (await staging.listDocuments({ filter: `type == 'dashboard' and name == '${source.name.replace(/'/g, "\\'")}'` })).documents;
          if (!target) {
            await staging.createDocument({ body: { name: source.name, type: source.type, content: blob } });
            continue;
          }
          const current = await (await staging.downloadDocumentContent({ id: target.id })).get('text');
          if (current !== (await blob.text())) await staging.updateDocument({ id: target.id, optimisticLockingVersion: target.version, body: { content: blob } });
        }
        pageKey = page.nextPageKey;
      } while (pageKey);
    }

    await sync();
    await prod.updateDocument({ id: first.id, optimisticLockingVersion: first.version, body: { content: json({ tiles: ['latency', 'saturation'] }) } });
    await sync();

    const copies = await staging.listDocuments({ filter: `name starts-with '${run}'` });
    expect(copies.totalCount).toBe(2);
    const byName = Object.fromEntries(copies.documents.map((d) => [d.name, d]));
    expect(byName[`${run} latency`]!.version).toBe('2');
    expect(byName[`${run} errors`]!.version).toBe('1');
    expect(await (await staging.downloadDocumentContent({ id: byName[`${run} latency`]!.id })).get('json')).toEqual({ tiles: ['latency', 'saturation'] });
  });
});
