import { describe, expect, it } from 'vitest';
import { SCOPES, SERVICES, STORAGE_TABLE_READ_SCOPES, fillPath, isScopeName, pathParamNames, scopesOfService, type ScopeName } from './catalogue';
import type { PlatformAttributes } from './endpoint';
import { createRouter, ENDPOINTS, endpointsForScope, findEndpoint, findEndpointById, type Endpoint } from './registry';

function sampleParams(endpoint: Endpoint): Record<string, string> {
  return Object.fromEntries(pathParamNames(endpoint.path).map((name, i) => [name, `${name}-sample-${i}`]));
}

/** The scopes of §12, as the original product names them. */
const ACCOUNT_SCOPES: readonly string[] = ['platform-token:tokens:manage', 'account-idm-read', 'account-idm-write'];

describe('catalogue', () => {
  it('has the 14 services of §7 in product order, then the account management API of §12', () => {
    expect(SERVICES.map((s) => s.id)).toEqual([
      'document', 'state', 'state-management', 'storage', 'settings', 'app-settings', 'automation',
      'app-engine', 'notification', 'davis', 'davis-copilot', 'email', 'iam', 'platform-management',
      'account-management',
    ]);
  });

  it('has unique scope names and endpoint ids', () => {
    expect(new Set(SCOPES.map((s) => s.name)).size).toBe(SCOPES.length);
    expect(new Set(ENDPOINTS.map((e) => e.id)).size).toBe(ENDPOINTS.length);
    expect(new Set(ENDPOINTS.map((e) => `${e.method} ${e.path}`)).size).toBe(ENDPOINTS.length);
  });

  it('names each scope <service>:<resource>:<action> and groups scopes in service order', () => {
    const order = SERVICES.map((s) => s.id);
    let last = 0;
    for (const scope of SCOPES) {
      if (scope.service === 'account-management') {
        // Named as the account management API of the original product names them (§12).
        expect(ACCOUNT_SCOPES).toContain(scope.name);
      } else {
        expect(scope.name.startsWith(`${scope.service}:`)).toBe(true);
        expect(scope.name).toMatch(/^[a-z-]+:[a-z-]+:[a-z]+$/);
      }
      expect(scope.description.length).toBeGreaterThan(0);
      const index = order.indexOf(scope.service);
      expect(index).toBeGreaterThanOrEqual(last);
      last = index;
    }
  });

  it('gives every service at least one scope and one endpoint', () => {
    for (const service of SERVICES) {
      expect(scopesOfService(service.id).length).toBeGreaterThan(0);
      expect(ENDPOINTS.some((e) => e.service === service.id)).toBe(true);
    }
  });

  it('grants every scope through at least one endpoint', () => {
    for (const scope of SCOPES) {
      expect(endpointsForScope(scope.name).length, scope.name).toBeGreaterThan(0);
    }
  });

  it('only names known scopes of the endpoint’s own service, and read scopes of the services whose data it returns', () => {
    for (const endpoint of ENDPOINTS.filter((e) => e.level !== 'account')) {
      expect(endpoint.scopes.length).toBeGreaterThan(0);
      expect(endpoint.scopes[0]!.startsWith(`${endpoint.service}:`), endpoint.id).toBe(true);
      for (const scope of [...endpoint.scopes, ...(endpoint.perRequestScopes ?? []), ...(endpoint.readsFrom ?? [])]) {
        expect(isScopeName(scope), `${endpoint.id}: ${scope}`).toBe(true);
        // Another service's scope is only ever one that reads its data, never one that changes it.
        if (!scope.startsWith(`${endpoint.service}:`)) expect(scope, endpoint.id).toMatch(/:read$/);
      }
      for (const scope of endpoint.perRequestScopes ?? []) expect(scope.startsWith(`${endpoint.service}:`), endpoint.id).toBe(true);
      for (const scope of endpoint.readsFrom ?? []) {
        expect(scope.startsWith(`${endpoint.service}:`), endpoint.id).toBe(false);
        expect(endpoint.description, endpoint.id).toContain(scope);
      }
      // Platform management's own path, as the original platform has it, is /management/…, and
      // its Settings 2.0 API's is /classic/environment-api/v2/settings/….
      const prefix =
        endpoint.id === 'platform-management.environment.get'
          ? '/management/'
          : endpoint.id.startsWith('settings.classic.')
            ? '/classic/environment-api/v2/settings/'
            : `/${endpoint.service}/`;
      expect(endpoint.path.startsWith(prefix), endpoint.id).toBe(true);
      expect(endpoint.id.startsWith(`${endpoint.service}.`)).toBe(true);
    }
  });

  it('serves the account management API at the root, for the account in the path, with the scopes of §12', () => {
    const account = ENDPOINTS.filter((e) => e.level === 'account');
    expect(account.every((e) => e.service === 'account-management')).toBe(true);
    expect(ENDPOINTS.filter((e) => e.service === 'account-management').length).toBe(account.length);
    for (const endpoint of account) {
      expect(endpoint.path.startsWith('/iam/v1/accounts/{accountId}/'), endpoint.id).toBe(true);
      expect(endpoint.id.startsWith('account-management.'), endpoint.id).toBe(true);
      // Only a token's own rotation needs no scope: it acts on itself.
      if (endpoint.id !== 'account-management.platform-tokens.self-rotate') expect(endpoint.scopes.length, endpoint.id).toBe(1);
      for (const scope of endpoint.scopes) expect(ACCOUNT_SCOPES, endpoint.id).toContain(scope);
    }
    expect(account.map((e) => `${e.method} ${e.path.slice('/iam/v1/accounts/{accountId}'.length)} ${e.scopes.join()}`)).toEqual([
      'GET /platform-tokens platform-token:tokens:manage',
      'POST /platform-tokens platform-token:tokens:manage',
      'DELETE /platform-tokens/{tokenId} platform-token:tokens:manage',
      'PUT /platform-tokens/{tokenId}/status platform-token:tokens:manage',
      'PUT /platform-tokens/{tokenId}/expiration-date platform-token:tokens:manage',
      'POST /platform-tokens/self:rotate ',
      'GET /users account-idm-read',
      'GET /users/{email} account-idm-read',
      'POST /users account-idm-write',
      'DELETE /users/{email} account-idm-write',
      'PUT /users/{email}/groups account-idm-write',
      'GET /service-users account-idm-read',
      'POST /service-users account-idm-write',
      'DELETE /service-users/{id} account-idm-write',
    ]);
  });

  it('covers the rows of §7', () => {
    const doc = ENDPOINTS.filter((e) => e.path === '/document/v1/documents/{id}');
    expect(doc.map((e) => [e.method, e.scopes])).toEqual([
      ['GET', ['document:documents:read']],
      ['PATCH', ['document:documents:write']],
      ['PUT', ['document:documents:write']],
      ['DELETE', ['document:documents:delete']],
    ]);
    expect(ENDPOINTS.filter((e) => e.path.startsWith('/storage/ingest/v1/'))).toHaveLength(3);
    // By app in the path, and as the original platform has them, the app from the App-Id header.
    expect(ENDPOINTS.filter((e) => e.service === 'state' && e.path.startsWith('/state/v1/apps/{appId}/'))).toHaveLength(6);
    expect(ENDPOINTS.filter((e) => e.service === 'state' && e.headerParams?.some((h) => h.header === 'app-id'))).toHaveLength(6);
    expect(ENDPOINTS.find((e) => e.path === '/automation/v1/workflows/{id}/run')?.scopes).toEqual([
      'automation:workflows:run',
    ]);
    expect(ENDPOINTS.find((e) => e.path === '/automation/v1/executions/{id}')?.scopes).toEqual([
      'automation:workflows:read',
    ]);
    expect(ENDPOINTS.filter((e) => e.service === 'app-settings' && e.headerParams?.some((h) => h.header === 'app-id'))).toHaveLength(6);
    expect(ENDPOINTS.filter((e) => e.service === 'settings' && e.path.startsWith('/classic/environment-api/v2/settings/'))).toHaveLength(7);
    expect(ENDPOINTS.filter((e) => e.level !== 'account')).toHaveLength(76);
    // The document service as the original's DocumentsClient calls it (the document, its metadata and its content), and PUT with JSON.
    expect(ENDPOINTS.filter((e) => e.service === 'document')).toHaveLength(10);
  });

  it('makes the calls that answer with another service’s data need its read scope', () => {
    expect(findEndpoint('POST', '/davis-copilot/v1/document-search:execute')?.endpoint.scopes).toEqual([
      'davis-copilot:document-search:execute',
      'document:documents:read',
    ]);
    expect(findEndpointById('app-engine.functions.run')?.readsFrom).toEqual(['app-settings:objects:read']);
    expect(findEndpointById('automation.executions.get')?.readsFrom).toEqual(['storage:buckets:read', ...Object.values(STORAGE_TABLE_READ_SCOPES)]);
    expect(endpointsForScope('document:documents:read').map((e) => e.id)).toContain('davis-copilot.document-search.execute');
  });

  it('describes what query:execute needs beyond storage:buckets:read', () => {
    const query = findEndpoint('POST', '/storage/query/v1/query:execute');
    expect(query?.endpoint.scopes).toEqual(['storage:buckets:read']);
    for (const scope of Object.values(STORAGE_TABLE_READ_SCOPES)) {
      expect(isScopeName(scope)).toBe(true);
      expect(query?.endpoint.description).toContain(scope);
      // query:poll and query:cancel read a query again, and an execution can hold a query's records, so reading them needs the table's scope too.
      expect(endpointsForScope(scope).map((e) => e.id)).toEqual([
        'storage.query.execute',
        'storage.query.poll',
        'storage.query.cancel',
        'automation.executions.get',
        'automation.executions.tasks.list',
        'automation.executions.tasks.get',
        'automation.executions.tasks.result',
      ]);
    }
  });

  it('matches every endpoint path with sample params', () => {
    for (const endpoint of ENDPOINTS) {
      const params = sampleParams(endpoint);
      const found = findEndpoint(endpoint.method, fillPath(endpoint.path, params));
      expect(found?.endpoint.id, endpoint.id).toBe(endpoint.id);
      expect(found?.params).toEqual(params);
    }
  });

  it('takes no endpoint whose path starts with a placeholder: a request is tried against its first segment only', () => {
    const [any] = ENDPOINTS;
    expect(() => createRouter([{ ...any!, path: '/{service}/v1/things' }])).toThrow(`Endpoint ${any!.id}: its path must start with a fixed segment.`);
    expect(findEndpoint('GET', '/nothing-here/v1/documents/abc')).toBeNull();
  });

  it('extracts params, including one followed by :execute in the same segment', () => {
    expect(findEndpoint('GET', '/document/v1/documents/abc')).toEqual({
      endpoint: expect.objectContaining({ id: 'document.documents.get' }),
      params: { id: 'abc' },
    });
    expect(findEndpoint('POST', '/davis/analyzers/v1/analyzers/dt.statistics.GenericForecastAnalyzer:execute')?.params).toEqual({
      name: 'dt.statistics.GenericForecastAnalyzer',
    });
    expect(findEndpoint('post', '/app-engine/app-functions/v1/apps/my.app/api/fn?x=1')?.params).toEqual({
      appId: 'my.app',
      function: 'fn',
    });
    expect(findEndpoint('GET', '/state/v1/apps/a/app-states/hello%20world')?.params).toEqual({
      appId: 'a',
      key: 'hello world',
    });
  });

  it('types scope and attribute names, so a misspelt one does not compile', () => {
    // @ts-expect-error: not a scope
    const typo: ScopeName = 'document:documents:reed';
    // @ts-expect-error: not a policy attribute
    const attribute: PlatformAttributes = { 'document:doc-type': 'dashboard' };
    expect(isScopeName(typo)).toBe(false);
    expect(Object.keys(attribute)).toEqual(['document:doc-type']);
    const ok: PlatformAttributes = { 'document:document-type': 'dashboard' };
    expect(ok).toBeDefined();
  });

  it('rejects unknown paths and methods', () => {
    const misses: Array<[string, string]> = [
      ['GET', '/document/v1/documents/'],
      ['GET', '/document/v1/documents/a/b'],
      ['PUT', '/document/v1/documents/a/metadata'],
      ['POST', '/document/v1/documents/a'],
      ['GET', '/storage/query/v1/query:execute'],
      ['POST', '/storage/query/v1/query'],
      ['POST', '/davis/analyzers/v1/analyzers/x'],
      ['POST', '/davis/analyzers/v1/analyzers/:execute'],
      ['GET', '/document/v1/documents/%E0%A4%A'],
      ['GET', 'document/v1/documents'],
      ['GET', '/unknown/v1/things'],
      ['GET', ''],
      ['GET', `/document/v1/documents/${'a'.repeat(5000)}`],
    ];
    for (const [method, path] of misses) {
      expect(findEndpoint(method, path), `${method} ${path}`).toBeNull();
    }
  });
});
