// Every endpoint of the catalogue (the routes are generated from it) is called by callers that
// must be refused: no token, a token of another account, and a token of the same account without
// the endpoint's scope. Each gets its status from PRODUCT.md §7 and the database stays the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseSnapshot } from '@/lib/db/snapshot';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { fillPath, pathParamNames, SCOPES } from './catalogue';
import { ENDPOINTS } from './registry';
import { createTestPlatform, endpointRequest, insertTestToken, readResponse } from './testing';

const SAMPLE_PARAMS: Record<string, string> = {
  id: '00000000-0000-4000-8000-000000000001',
  appId: 'my.app',
  key: 'some-key',
  name: 'statistics',
  function: 'hello',
  accountId: 'acme',
  tokenId: 'dt0s16.AAAAAAAAAAAAAAAAAAAAAAAA',
  email: 'alice@example.com',
};

describe(`every platform route refuses callers it must refuse (${testBackend})`, () => {
  let database: TestDatabase;
  let platform: ReturnType<typeof createTestPlatform>;
  let foreign: string;
  let scopeless: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    platform = createTestPlatform(database.db);
    const all = SCOPES.map((s) => s.name);
    foreign = (await insertTestToken(database.db, { accountId: 'globex', owner: 'admin@example.com', scopes: all })).token;
    // For the whole account, so that account-level endpoints refuse it for its scopes alone.
    scopeless = (await insertTestToken(database.db, { owner: 'admin@example.com', scopes: ['iam:effective-permissions:read'] })).token;
  });
  afterAll(async () => {
    platform.unsubscribe();
    await database.close();
  });

  it('documents a success response of every endpoint', () => {
    expect(ENDPOINTS.filter((e) => !Object.keys(e.responses).some((status) => /^2\d\d$/.test(status))).map((e) => e.id)).toEqual([]);
  });

  for (const endpoint of ENDPOINTS) {
    it(`${endpoint.method} ${endpoint.path}`, async () => {
      const path = fillPath(endpoint.path, Object.fromEntries(pathParamNames(endpoint.path).map((n) => [n, SAMPLE_PARAMS[n] ?? 'x'])));
      const body = endpoint.method === 'GET' || endpoint.method === 'DELETE' ? undefined : { query: 'fetch logs', name: 'n', type: 't', content: {} };
      const before = await databaseSnapshot(database.db);

      const request = (token?: string) => endpointRequest(endpoint, 'acme-prod', path, { method: endpoint.method, body, token });
      const anonymous = await readResponse(await platform.handle(request()));
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);

      const otherAccount = await readResponse(await platform.handle(request(foreign)));
      expect(otherAccount.status).toBe(403);

      // A token's own rotation needs no scope; every other endpoint at least one.
      if (endpoint.scopes.length > 0 && !endpoint.scopes.includes('iam:effective-permissions:read')) {
        const noScope = await readResponse(await platform.handle(request(scopeless)));
        expect(noScope.status).toBe(403);
        expect(JSON.stringify(noScope.body)).toContain(endpoint.scopes[0]!);
      }

      expect(await databaseSnapshot(database.db)).toBe(before);
    });
  }
});
