import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadActor, type Actor } from '@/lib/auth/users';
import { appStates, auditEvents, environments } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { AppError } from '@/lib/errors';
import { ReadCache } from '@/lib/platform/read-cache';
import { createTestPlatform, grantTestPolicy, insertTestToken, platformRequest, readResponse } from '@/lib/platform/testing';
import { demoIdentities } from '@/lib/testing/demo';
import { addEnvironment, deleteEnvironment, listEnvironments, renameEnvironment } from './environments';

let database: TestDatabase;
let admin: Actor;
let alice: Actor;

beforeAll(async () => {
  database = await createTestDatabase();
  const demo = await demoIdentities(database.db);
  admin = (await loadActor(database.db, demo.id('admin@example.com')))!;
  alice = (await loadActor(database.db, demo.id('alice@example.com')))!;
});
afterAll(() => database.close());

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe(`environments (${testBackend})`, () => {
  it('are added with an ID of their own, renamed, and listed for admins only', async () => {
    expect(await addEnvironment(database.db, admin, { accountId: 'acme', name: 'QA', environmentId: 'acme-qa' })).toEqual({ id: 'acme-qa', name: 'QA' });
    const taken = await refusal(addEnvironment(database.db, admin, { accountId: 'acme', name: 'Prod again', environmentId: 'globex-prod' }));
    expect(taken.fieldErrors).toEqual({ environmentId: 'The ID globex-prod is taken. Choose another one.' });
    const badId = await refusal(addEnvironment(database.db, admin, { accountId: 'acme', name: 'X', environmentId: '-x-' }));
    expect(Object.keys(badId.fieldErrors)).toEqual(['environmentId']);
    await refusal(addEnvironment(database.db, alice, { accountId: 'acme', name: 'Mine', environmentId: 'alice-env' }));
    await refusal(addEnvironment(database.db, admin, { accountId: 'globex-not-mine', name: 'X', environmentId: 'x-env' }));

    await renameEnvironment(database.db, admin, { accountId: 'acme', environmentId: 'acme-qa', name: 'Quality' });
    await refusal(renameEnvironment(database.db, admin, { accountId: 'globex', environmentId: 'acme-qa', name: 'Stolen' }));
    const list = await listEnvironments(database.db, admin, 'acme');
    expect(list.map((e) => [e.id, e.name])).toEqual([
      ['acme-prod', 'Production'],
      ['acme-qa', 'Quality'],
      ['acme-staging', 'Staging'],
    ]);
    await expect(listEnvironments(database.db, alice, 'acme')).rejects.toThrow(AppError);
    const events = await database.db.select().from(auditEvents).where(eq(auditEvents.targetName, 'acme-qa'));
    expect(events.map((e) => e.action)).toEqual(['environment.created', 'environment.renamed']);
  });

  it('deletes one with its data: its tokens lose it, a token left with none stops working, and no cached state survives', async () => {
    await addEnvironment(database.db, admin, { accountId: 'acme', name: 'Doomed', environmentId: 'acme-doomed' });
    await grantTestPolicy(database.db, 'acme', 'alice@example.com', 'ALLOW state:app-states:read, state:app-states:write;');
    const scopes = ['state:app-states:read', 'state:app-states:write'];
    const onlyThere = await insertTestToken(database.db, { owner: 'alice@example.com', scopes, environmentIds: ['acme-doomed'] });
    const both = await insertTestToken(database.db, { owner: 'alice@example.com', scopes, environmentIds: ['acme-doomed', 'acme-prod'] });
    const platform = createTestPlatform(database.db, { readCache: new ReadCache() });
    const call = async (env: string, token: string, method = 'GET', body?: unknown) =>
      readResponse(await platform.handle(platformRequest(env, '/state/v1/apps/my.app/app-states/theme', { method, token, body })));
    try {
      expect((await call('acme-doomed', onlyThere.token, 'PUT', { value: 'dark' })).status).toBe(200);
      expect((await call('acme-doomed', onlyThere.token)).body).toMatchObject({ value: 'dark' });

      const before = await listEnvironments(database.db, admin, 'acme');
      expect(before.find((e) => e.id === 'acme-doomed')).toMatchObject({ tokens: 2, onlyHere: 1 });
      const wrongConfirmation = await refusal(deleteEnvironment(database.db, admin, { accountId: 'acme', environmentId: 'acme-doomed', confirmation: 'acme-prod' }));
      expect(wrongConfirmation.fieldErrors).toEqual({ confirmation: 'Type the environment ID exactly to confirm' });
      await refusal(deleteEnvironment(database.db, alice, { accountId: 'acme', environmentId: 'acme-doomed', confirmation: 'acme-doomed' }));

      expect(await deleteEnvironment(database.db, admin, { accountId: 'acme', environmentId: 'acme-doomed', confirmation: 'acme-doomed' })).toEqual({
        id: 'acme-doomed',
        tokens: 2,
        tokensLeftWithout: 1,
      });
      expect(await database.db.select().from(appStates).where(eq(appStates.environmentId, 'acme-doomed'))).toEqual([]);
      // The token that reached only it works nowhere; the other keeps its other environment.
      expect((await call('acme-doomed', onlyThere.token)).status).toBe(403);
      expect((await call('acme-prod', onlyThere.token)).status).toBe(403);
      expect((await call('acme-prod', both.token)).status).toBe(404);
      expect((await call('acme-doomed', both.token)).status).toBe(403);

      // A new environment given the same ID starts empty, also in this instance's memory.
      await addEnvironment(database.db, admin, { accountId: 'acme', name: 'Reborn', environmentId: 'acme-doomed' });
      const fresh = await insertTestToken(database.db, { owner: 'alice@example.com', scopes, environmentIds: ['acme-doomed'] });
      expect((await call('acme-doomed', fresh.token)).status).toBe(404);
      expect((await call('acme-doomed', onlyThere.token)).status).toBe(403);
    } finally {
      platform.unsubscribe();
    }
    const [event] = await database.db.select().from(auditEvents).where(eq(auditEvents.action, 'environment.deleted'));
    expect(event).toMatchObject({ accountId: 'acme', targetName: 'acme-doomed', details: { name: 'Doomed', tokens: 2, tokensLeftWithout: 1 } });
  });

  it('keeps an account’s only environment', async () => {
    const error = await refusal(deleteEnvironment(database.db, admin, { accountId: 'globex', environmentId: 'globex-prod', confirmation: 'globex-prod' }));
    expect(error.message).toBe('This is the account’s only environment. Add another one before deleting it.');
    expect(await database.db.select().from(environments).where(eq(environments.id, 'globex-prod'))).toHaveLength(1);
  });
});
