import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { ReadCache } from '../read-cache';
import { createTestPlatform, grantTestPolicy, insertTestToken, platformRequest, readResponse, type PlatformCall } from '../testing';

const APP_STATE = ['state:app-states:read', 'state:app-states:write', 'state:app-states:delete'];
const USER_STATE = ['state:user-app-states:read', 'state:user-app-states:write', 'state:user-app-states:delete'];
const MANAGEMENT = ['state-management:app-states:delete', 'state-management:user-app-states:delete'];

let database: TestDatabase;
let platform: ReturnType<typeof createTestPlatform>;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

async function call(token: string, path: string, init: PlatformCall & { env?: string } = {}) {
  return readResponse(await platform.handle(platformRequest(init.env ?? 'acme-prod', path, { token, ...init })));
}

const token = async (owner: string, scopes: string[]) => (await insertTestToken(database.db, { owner, scopes })).token;

// Reads from the database, and (as with the embedded database) from the process's read cache,
// which every write must keep right.
describe.each([
  { reads: 'from the database', readCache: undefined },
  { reads: 'through the read cache', readCache: () => new ReadCache() },
])('reads $reads', ({ readCache }) => {
  beforeAll(() => {
    platform = createTestPlatform(database.db, { readCache: readCache?.() });
  });
  afterAll(() => platform.unsubscribe());

  describe('app states', () => {
    it('are set, read, replaced and deleted per app and key', async () => {
      const t = await token('alice@example.com', APP_STATE);
      const path = '/state/v1/apps/my.app/app-states/theme';
      expect((await call(t, path)).status).toBe(404);
      const put = await call(t, path, { method: 'PUT', body: { value: '[1,2]' } });
      expect(put).toMatchObject({ status: 200, body: { appId: 'my.app', key: 'theme', value: '[1,2]' } });
      expect((await call(t, path)).body).toMatchObject({ value: '[1,2]' });
      await call(t, path, { method: 'PUT', body: { value: { dark: true } } });
      expect((await call(t, path)).body).toMatchObject({ value: { dark: true } });
      // Shared: another person's token sees the same value.
      expect((await call(await token('bob@example.com', APP_STATE), path)).body).toMatchObject({ value: { dark: true } });
      expect((await call(t, path, { env: 'acme-staging' })).status).toBe(404);
      expect((await call(t, path, { method: 'DELETE' })).body).toEqual({ appId: 'my.app', key: 'theme', deleted: true });
      expect((await call(t, path, { method: 'DELETE' })).status).toBe(404);
    });

    it('read together are answered each with its own value', async () => {
      const t = await token('alice@example.com', APP_STATE);
      const path = (app: string, key: string) => `/state/v1/apps/${app}/app-states/${key}`;
      await call(t, path('together.app', 'a'), { method: 'PUT', body: { value: 'prod a' } });
      await call(t, path('together.app', 'b'), { method: 'PUT', body: { value: { n: 2 } } });
      await call(t, path('other.app', 'a'), { method: 'PUT', body: { value: 'other a' } });
      await call(t, path('together.app', 'a'), { env: 'acme-staging', method: 'PUT', body: { value: 'staging a' } });
      const reads = [
        ['acme-prod', 'together.app', 'a'],
        ['acme-prod', 'together.app', 'b'],
        ['acme-prod', 'together.app', 'a'],
        ['acme-prod', 'other.app', 'a'],
        ['acme-staging', 'together.app', 'a'],
        ['acme-prod', 'together.app', 'missing'],
        ['acme-staging', 'together.app', 'b'],
      ] as const;
      const answers = await Promise.all(reads.map(([env, app, key]) => call(t, path(app, key), { env })));
      expect(answers.map((a) => [a.status, (a.body as { value?: unknown }).value])).toEqual([
        [200, 'prod a'],
        [200, { n: 2 }],
        [200, 'prod a'],
        [200, 'other a'],
        [200, 'staging a'],
        [404, undefined],
        [404, undefined],
      ]);
      // A read asked for after a change sees it, also while reads of the same key are under way.
      const before = call(t, path('together.app', 'a'));
      await call(t, path('together.app', 'a'), { method: 'PUT', body: { value: 'prod a2' } });
      const [, after] = await Promise.all([before, call(t, path('together.app', 'a'))]);
      expect(after.body).toMatchObject({ value: 'prod a2' });
    });

    it('refuse bad app IDs, keys and bodies, naming the field', async () => {
      const t = await token('alice@example.com', APP_STATE);
      expect((await call(t, '/state/v1/apps/-bad/app-states/k')).body).toMatchObject({
        error: { code: 400, message: expect.stringContaining("Invalid path parameter 'appId'") },
      });
      expect((await call(t, `/state/v1/apps/a/app-states/${'k'.repeat(201)}`)).body).toMatchObject({
        error: { message: expect.stringContaining("Invalid path parameter 'key'") },
      });
      expect((await call(t, '/state/v1/apps/a/app-states/k', { method: 'PUT', body: { other: 1 } })).body).toMatchObject({
        error: { message: expect.stringContaining("Invalid request body field 'value'") },
      });
    });

    it('follow conditions on the app ID', async () => {
      const t = await token('bob@example.com', APP_STATE);
      await grantTestPolicy(database.db, 'acme', 'bob@example.com', 'DENY state:app-states:write WHERE state:app-id startsWith "locked.";');
      expect((await call(t, '/state/v1/apps/locked.app/app-states/k', { method: 'PUT', body: { value: 1 } })).body).toMatchObject({
        error: { code: 403, message: expect.stringContaining("lacks the permission 'state:app-states:write'") },
      });
      expect((await call(t, '/state/v1/apps/open.app/app-states/k', { method: 'PUT', body: { value: 1 } })).status).toBe(200);
    });
  });

  describe('user app states', () => {
    it('are kept per owner, shared by the owner’s tokens', async () => {
      const path = '/state/v1/apps/my.app/user-app-states/draft';
      const alice1 = await token('alice@example.com', USER_STATE);
      const alice2 = await token('alice@example.com', USER_STATE);
      const bob = await token('bob@example.com', USER_STATE);
      await call(alice1, path, { method: 'PUT', body: { value: 'alice draft' } });
      await call(bob, path, { method: 'PUT', body: { value: 'bob draft' } });
      expect((await call(alice2, path)).body).toMatchObject({ value: 'alice draft' });
      expect((await call(bob, path)).body).toMatchObject({ value: 'bob draft' });
      await call(alice2, path, { method: 'PUT', body: { value: 'alice v2' } });
      expect((await call(alice1, path)).body).toMatchObject({ value: 'alice v2' });
      expect((await call(bob, path, { method: 'DELETE' })).status).toBe(200);
      expect((await call(alice1, path)).body).toMatchObject({ value: 'alice v2' });
    });
  });

  describe('state management', () => {
    it('deletes every state of one app in the environment, and nothing else', async () => {
      const admin = await token('admin@example.com', [...APP_STATE, ...USER_STATE, ...MANAGEMENT]);
      const alice = await token('alice@example.com', USER_STATE);
      for (const key of ['a', 'b', 'c']) await call(admin, `/state/v1/apps/old.app/app-states/${key}`, { method: 'PUT', body: { value: key } });
      await call(admin, '/state/v1/apps/kept.app/app-states/a', { method: 'PUT', body: { value: 1 } });
      await call(admin, '/state/v1/apps/old.app/app-states/a', { env: 'acme-staging', method: 'PUT', body: { value: 1 } });
      await call(admin, '/state/v1/apps/old.app/user-app-states/a', { method: 'PUT', body: { value: 1 } });
      await call(alice, '/state/v1/apps/old.app/user-app-states/a', { method: 'PUT', body: { value: 1 } });
      expect((await call(admin, '/state/v1/apps/old.app/app-states/a')).status).toBe(200);
      expect((await call(alice, '/state/v1/apps/old.app/user-app-states/a')).status).toBe(200);

      expect((await call(admin, '/state-management/v1/apps/old.app/app-states', { method: 'DELETE' })).body).toEqual({ appId: 'old.app', deleted: 3 });
      expect((await call(admin, '/state/v1/apps/old.app/app-states/a')).status).toBe(404);
      expect((await call(admin, '/state/v1/apps/kept.app/app-states/a')).status).toBe(200);
      expect((await call(admin, '/state/v1/apps/old.app/app-states/a', { env: 'acme-staging' })).status).toBe(200);
      expect((await call(admin, '/state/v1/apps/old.app/user-app-states/a')).status).toBe(200);

      expect((await call(admin, '/state-management/v1/apps/old.app/user-app-states', { method: 'DELETE' })).body).toEqual({ appId: 'old.app', deleted: 2 });
      expect((await call(alice, '/state/v1/apps/old.app/user-app-states/a')).status).toBe(404);
    });

    it('needs the owner’s state-management permission', async () => {
      // Alice's developer policy grants state but not state management.
      const alice = await token('alice@example.com', MANAGEMENT);
      expect((await call(alice, '/state-management/v1/apps/x/app-states', { method: 'DELETE' })).body).toMatchObject({
        error: { code: 403, message: expect.stringContaining("'state-management:app-states:delete'") },
      });
    });
  });
});
