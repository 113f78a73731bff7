// The contract check every platform integration test goes through (createTestPlatform): an
// answer must have a status its endpoint documents and a body of that status's schema.
import { describe, expect, it } from 'vitest';
import { errorResponse, jsonResponse } from './errors';
import { checkResponseContract, ContractError, platformRequest } from './testing';

const NOW = '2026-01-01T00:00:00.000Z';
const OWNER = '00000000-0000-4000-8000-000000000002';
const DOCUMENT = {
  id: '00000000-0000-4000-8000-000000000001',
  name: 'Health',
  type: 'dashboard',
  version: '1',
  owner: OWNER,
  modificationInfo: { createdBy: OWNER, createdTime: NOW, lastModifiedBy: OWNER, lastModifiedTime: NOW },
  access: ['read'],
  isPrivate: false,
};
const create = () => platformRequest('acme-prod', '/document/v1/documents', { method: 'POST', body: {} });
const get = () => platformRequest('acme-prod', `/document/v1/documents/${DOCUMENT.id}/metadata`);
const getWithContent = () => platformRequest('acme-prod', `/document/v1/documents/${DOCUMENT.id}`);

function formResponse(metadata: unknown): Response {
  const form = new FormData();
  form.append('metadata', JSON.stringify(metadata));
  form.append('content', new Blob(['{"tiles":[]}'], { type: 'application/json' }), 'Health');
  return new Response(form);
}

describe('the response contract', () => {
  it('accepts a documented status with a body of its schema, and a refusal of the Error schema', async () => {
    await expect(checkResponseContract(create(), jsonResponse(DOCUMENT, 201))).resolves.toBeUndefined();
    await expect(checkResponseContract(get(), jsonResponse(DOCUMENT, 200))).resolves.toBeUndefined();
    await expect(checkResponseContract(get(), errorResponse(404, 'No document'))).resolves.toBeUndefined();
    await expect(checkResponseContract(getWithContent(), formResponse(DOCUMENT))).resolves.toBeUndefined();
    await expect(checkResponseContract(platformRequest('acme-prod', '/nothing/here'), errorResponse(404, 'No such endpoint.'))).resolves.toBeUndefined();
  });

  it('refuses a success status the endpoint does not document (200 for a create that answers 201)', async () => {
    await expect(checkResponseContract(create(), jsonResponse(DOCUMENT, 200))).rejects.toThrow(ContractError);
    await expect(checkResponseContract(create(), jsonResponse(DOCUMENT, 200))).rejects.toThrow(/does not document/);
  });

  it('refuses an error status the endpoint does not document', async () => {
    await expect(checkResponseContract(get(), errorResponse(409, 'Conflict'))).rejects.toThrow(/document\.documents\.metadata\.get does not document/);
    await expect(checkResponseContract(platformRequest('acme-prod', '/nothing/here'), errorResponse(400, 'x'))).rejects.toThrow(ContractError);
  });

  it('refuses a body its schema does not allow, naming the field', async () => {
    const { owner: _, ...withoutOwner } = DOCUMENT;
    await expect(checkResponseContract(get(), jsonResponse(withoutOwner, 200))).rejects.toThrow(/at 'owner'/);
    const yesterday = { ...DOCUMENT, modificationInfo: { ...DOCUMENT.modificationInfo, createdTime: 'yesterday' } };
    await expect(checkResponseContract(get(), jsonResponse(yesterday, 200))).rejects.toThrow(/at 'modificationInfo.createdTime'/);
    // A form's parts are read as its schema says: the metadata part, parsed, and the content a file.
    await expect(checkResponseContract(getWithContent(), formResponse(withoutOwner))).rejects.toThrow(/at 'metadata.owner'/);
    await expect(checkResponseContract(getWithContent(), jsonResponse(DOCUMENT, 200))).rejects.toThrow(/not multipart\/form-data/);
  });

  it('refuses a refusal that is not of the Error schema, or whose code is not its status', async () => {
    await expect(checkResponseContract(get(), jsonResponse({ message: 'nope' }, 404))).rejects.toThrow(/at 'error'/);
    await expect(checkResponseContract(get(), jsonResponse({ error: { code: 400, message: 'x' } }, 404))).rejects.toThrow(/error code 400/);
    await expect(checkResponseContract(get(), new Response('<html>', { status: 500 }))).rejects.toThrow(/not JSON/);
  });
});
