import { describe, expect, it } from 'vitest';
import { ENDPOINTS, SCOPES } from './catalogue';
import { openApiDocument } from './openapi';
import { IMPLEMENTED_ENDPOINTS } from './services';

type Operation = {
  operationId: string;
  security: { bearer: string[] }[];
  'x-required-scopes': string[];
  parameters: { name: string; in: string }[];
  requestBody?: { content: { 'application/json': { schema: Record<string, unknown> } } };
};

describe('the OpenAPI document', () => {
  const doc = openApiDocument(IMPLEMENTED_ENDPOINTS);
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op: op as Operation })),
  );

  it('is OpenAPI 3.1 with a bearer security scheme', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('has every catalogue endpoint once, with its scopes', () => {
    expect(operations).toHaveLength(ENDPOINTS.length);
    for (const endpoint of ENDPOINTS) {
      const found = operations.find((o) => o.op.operationId === endpoint.id);
      expect(found?.path).toBe(`/e/{env}/platform${endpoint.path}`);
      expect(found?.method).toBe(endpoint.method.toLowerCase());
      expect(found?.op['x-required-scopes']).toEqual(endpoint.scopes);
      expect(found?.op.security).toEqual([{ bearer: endpoint.scopes }]);
      for (const scope of found!.op['x-required-scopes']) expect(SCOPES.map((s) => s.name)).toContain(scope);
    }
  });

  it('describes the parameters and bodies of implemented endpoints', () => {
    const list = operations.find((o) => o.op.operationId === 'document.documents.list')!.op;
    expect(list.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(
      expect.arrayContaining(['path:env', 'query:limit', 'query:page-key', 'query:type']),
    );
    const create = operations.find((o) => o.op.operationId === 'document.documents.create')!.op;
    expect(create.requestBody?.content['application/json'].schema).toMatchObject({ required: ['name', 'type', 'content'] });
  });

  it('leaves no reference dangling', () => {
    const text = JSON.stringify(doc);
    const components = doc.components as Record<string, Record<string, unknown>>;
    for (const [, kind, name] of text.matchAll(/"\$ref":"#\/components\/(schemas|responses)\/([^"]+)"/g)) {
      expect(Object.keys(components[kind!]!)).toContain(name);
    }
    expect(text).not.toContain('#/$defs/');
  });
});
