import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { createTestPlatform, grantTestPolicy, insertTestToken, platformRequest, readResponse } from '../testing';

// The iam and platform-management services: what a token can do, and where.

const IAM = 'iam:effective-permissions:read';
const ENVIRONMENTS = 'platform-management:environments:read';

let database: TestDatabase;
let platform: ReturnType<typeof createTestPlatform>;

beforeAll(async () => {
  database = await createTestDatabase();
  platform = createTestPlatform(database.db);
  await grantTestPolicy(
    database.db,
    'acme',
    'alice@example.com',
    [`ALLOW ${IAM}, ${ENVIRONMENTS};`, 'ALLOW app-settings:objects:read WHERE app-settings:app-id = "my.app";'].join('\n'),
  );
});
afterAll(async () => {
  platform.unsubscribe();
  await database.close();
});

async function get(token: string, env: string, path: string) {
  return readResponse(await platform.handle(platformRequest(env, path, { token })));
}

describe('iam effective permissions', () => {
  it('are the token’s scopes that the owner’s policies grant here', async () => {
    const t = await insertTestToken(database.db, {
      scopes: [IAM, 'document:documents:read', 'email:emails:send', 'app-settings:objects:read'],
    });
    const r = await get(t.token, 'acme-prod', '/iam/v1/effective-permissions');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      environmentId: 'acme-prod',
      tokenId: t.tokenId,
      owner: { type: 'user', id: expect.any(String) },
      scopes: ['app-settings:objects:read', 'document:documents:read', 'email:emails:send', IAM],
      permissions: [
        { name: 'app-settings:objects:read', conditional: true },
        { name: 'document:documents:read', conditional: false },
        { name: IAM, conditional: false },
      ],
    });
  });
});

describe('platform-management environments', () => {
  it('lists every environment of the account for an account-wide token, in pages', async () => {
    const t = await insertTestToken(database.db, { scopes: [ENVIRONMENTS] });
    const all = await get(t.token, 'acme-prod', '/platform-management/v1/environments');
    expect(all.body).toEqual({
      environments: [
        { id: 'acme-prod', name: 'Production', accountId: 'acme' },
        { id: 'acme-staging', name: 'Staging', accountId: 'acme' },
      ],
      nextPageKey: null,
    });
    const first = await get(t.token, 'acme-prod', '/platform-management/v1/environments?limit=1');
    expect(first.body.environments).toEqual([{ id: 'acme-prod', name: 'Production', accountId: 'acme' }]);
    const second = await get(t.token, 'acme-prod', `/platform-management/v1/environments?limit=1&page-key=${first.body.nextPageKey}`);
    expect(second.body).toEqual({ environments: [{ id: 'acme-staging', name: 'Staging', accountId: 'acme' }], nextPageKey: null });
  });

  it('lists only the environments a limited token was generated for', async () => {
    const t = await insertTestToken(database.db, { scopes: [ENVIRONMENTS], environmentIds: ['acme-staging'] });
    const r = await get(t.token, 'acme-staging', '/platform-management/v1/environments');
    expect(r.body).toEqual({ environments: [{ id: 'acme-staging', name: 'Staging', accountId: 'acme' }], nextPageKey: null });
  });
});
