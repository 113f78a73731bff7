import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { SCOPES } from './catalogue';
import { documentedStatuses, type Responses } from './endpoint';
import { openApiDocument, servedPath } from './openapi';
import { ENDPOINTS } from './registry';

type Operation = {
  operationId: string;
  security: { bearer: string[] }[];
  'x-required-scopes': string[];
  parameters: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: Record<string, unknown> }> }>;
};

async function validate(document: unknown) {
  // A new document object each time: the validator keeps what it was given.
  return new Validator().validate(JSON.parse(JSON.stringify(document)) as Record<string, unknown>);
}

describe('the OpenAPI document', () => {
  const doc = openApiDocument();
  const paths = (doc.paths ?? {}) as Record<string, Record<string, Operation>>;
  const operations = Object.entries(paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
  const components = doc.components as Record<string, Record<string, unknown>>;
  const find = (id: string) => operations.find((o) => o.op.operationId === id)!.op;

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await validate(doc);
    expect(result.errors ?? [], JSON.stringify(result.errors)?.slice(0, 2000)).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('fails validation when broken, so the check above can fail', async () => {
    const broken = JSON.parse(JSON.stringify(doc)) as { paths: Record<string, Record<string, { responses: unknown }>> };
    broken.paths['/e/{env}/platform/document/v1/documents']!.get!.responses = 'none';
    expect((await validate(broken)).valid).toBe(false);
  });

  it('has a bearer security scheme', () => {
    expect(components.securitySchemes!.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('has every endpoint once, with its scopes', () => {
    expect(operations).toHaveLength(ENDPOINTS.length);
    for (const endpoint of ENDPOINTS) {
      const found = operations.find((o) => o.op.operationId === endpoint.id);
      expect(found?.path).toBe(endpoint.level === 'account' ? endpoint.path : `/e/{env}/platform${endpoint.path}`);
      expect(servedPath(endpoint)).toBe(found?.path);
      expect(found?.method).toBe(endpoint.method.toLowerCase());
      expect(found?.op['x-required-scopes']).toEqual(endpoint.scopes);
      expect(found?.op.security).toEqual([{ bearer: endpoint.scopes }]);
      for (const scope of found!.op['x-required-scopes']) expect(SCOPES.map((s) => s.name)).toContain(scope);
    }
  });

  it('describes the parameters and bodies of every endpoint', () => {
    const list = find('document.documents.list');
    expect(list.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(expect.arrayContaining(['path:env', 'query:limit', 'query:page-key', 'query:type']));
    expect(find('document.documents.get').parameters.map((p) => `${p.in}:${p.name}`)).toEqual(expect.arrayContaining(['path:env', 'path:id', 'query:filename']));
    const create = find('document.documents.create');
    expect(create.requestBody?.content['application/json']?.schema).toMatchObject({ required: ['name', 'type', 'content'] });
    // The original's form too, its content a file part.
    expect(create.requestBody?.content['multipart/form-data']?.schema).toMatchObject({
      required: ['name', 'type', 'content'],
      properties: { content: { type: 'string', format: 'binary' } },
    });
    // Account-level endpoints name the account, not an environment.
    expect(find('account-management.platform-tokens.delete').parameters.map((p) => `${p.in}:${p.name}`)).toEqual(['path:accountId', 'path:tokenId']);
    expect(find('account-management.platform-tokens.list').parameters.map((p) => `${p.in}:${p.name}`)).toEqual(
      expect.arrayContaining(['path:accountId', 'query:searchTerm', 'query:status', 'query:page', 'query:size']),
    );
  });

  it('documents the status each endpoint answers on success, with the body’s schema', () => {
    expect(Object.keys(find('document.documents.create').responses)).toContain('201');
    expect(Object.keys(find('document.documents.create').responses)).not.toContain('200');
    for (const id of ['storage.events.ingest', 'storage.bizevents.ingest', 'storage.logs.ingest', 'email.emails.send']) {
      expect(Object.keys(find(id).responses), id).toContain('202');
      expect(Object.keys(find(id).responses), id).not.toContain('200');
    }
    expect(Object.keys(find('automation.workflows.run').responses)).toContain('201');
    for (const id of ['account-management.platform-tokens.create', 'account-management.platform-tokens.self-rotate']) {
      expect(Object.keys(find(id).responses), id).toContain('201');
    }
    for (const id of ['account-management.platform-tokens.delete', 'account-management.platform-tokens.set-status', 'account-management.platform-tokens.set-expiration-date']) {
      expect(Object.keys(find(id).responses), id).toContain('204');
      expect(find(id).responses['204']?.content, id).toBeUndefined();
    }
    expect(find('document.documents.metadata.get').responses['200']!.content!['application/json']?.schema).not.toEqual({ type: 'object' });
    expect(Object.keys(find('document.documents.get').responses['200']!.content!)).toEqual(['multipart/form-data']);
    expect(find('document.documents.delete').responses['204']?.content).toBeUndefined();
    for (const endpoint of ENDPOINTS) {
      const op = find(endpoint.id);
      expect(Object.keys(op.responses).map(Number).sort((a, b) => a - b), endpoint.id).toEqual(documentedStatuses(endpoint));
      for (const [status, spec] of Object.entries(endpoint.responses as Responses)) {
        // A response without a body (204, or the original platform's bodiless 200) has no content.
        if (spec.schema) expect(op.responses[status]?.content?.[spec.contentType ?? 'application/json']?.schema, `${endpoint.id} ${status}`).toBeDefined();
        else expect(op.responses[status]?.content, `${endpoint.id} ${status}`).toBeUndefined();
      }
      expect(op.responses['401']?.$ref, endpoint.id).toBe('#/components/responses/Unauthorized');
    }
  });

  it('leaves no reference dangling', () => {
    const text = JSON.stringify(doc);
    for (const [, kind, name] of text.matchAll(/"\$ref":"#\/components\/(schemas|responses)\/([^"]+)"/g)) {
      expect(Object.keys(components[kind!]!)).toContain(name);
    }
    expect(text).not.toContain('#/$defs/');
  });
});
