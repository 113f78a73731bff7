// Every endpoint of the catalogue gets malformed bodies and parameters from a caller with every
// scope and permission: the answer is a 4xx with a message, never a 5xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { ENDPOINTS, fillPath, pathParamNames, SCOPES } from './catalogue';
import { createTestPlatform, insertTestToken, platformRequest, readResponse } from './testing';

const BODIES: unknown[] = [
  '',
  'not json',
  '{"unterminated": ',
  'null',
  '[]',
  '42',
  '"text"',
  { name: null, type: 42, content: ['x'], query: {}, value: 'x', tasks: 'x', series: 'x' },
  { name: 'x'.repeat(200_000) },
  { name: 'nul\u0000', query: 'fetch logs | filter a == "\u0000"' },
  { name: 'lone \uD800', content: { '\uDC00': 1 } },
  { query: "fetch logs | filter x == ''; drop table documents; --" },
  { query: 'fetch nothing | limit -1' },
  { query: 'fetch logs | limit 99999999999999999999' },
  [{ timestamp: 'not a date' }, { timestamp: '-271821-04-20T00:00:00Z' }, 'x', null],
  Array.from({ length: 3000 }, (_, i) => ({ i })),
];

const PARAMS = ['x', '%00', '..%2F..%2Fetc', 'a'.repeat(5000), '00000000-0000-0000-0000-000000000000', '<script>'];

describe(`malformed requests to every platform endpoint (${testBackend})`, () => {
  let database: TestDatabase;
  let platform: ReturnType<typeof createTestPlatform>;
  let token: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    platform = createTestPlatform(database.db);
    token = (await insertTestToken(database.db, { owner: 'admin@example.com', scopes: SCOPES.map((s) => s.name) })).token;
  });
  afterAll(async () => {
    platform.unsubscribe();
    await database.close();
  });

  for (const endpoint of ENDPOINTS) {
    it(`${endpoint.method} ${endpoint.path}`, async () => {
      const names = pathParamNames(endpoint.path);
      const paths = names.length === 0 ? [endpoint.path] : PARAMS.map((p) => fillPath(endpoint.path, Object.fromEntries(names.map((n) => [n, p]))));
      const bodies = endpoint.method === 'GET' || endpoint.method === 'DELETE' ? [undefined] : BODIES;
      for (const path of paths) {
        for (const body of bodies) {
          const request = platformRequest('acme-prod', `${path}?limit=abc&cursor=%FF%FE`, { method: endpoint.method, token, body });
          const response = await readResponse(await platform.handle(request)).catch(() => ({ status: 599, body: {} }));
          const label = `${endpoint.method} ${path.slice(0, 80)} ${JSON.stringify(body)?.slice(0, 80)}`;
          expect(response.status, label).toBeLessThan(500);
          if (response.status >= 400) expect(JSON.stringify(response.body), label).toMatch(/"message":"[^"]+/);
        }
      }
    });
  }
});
