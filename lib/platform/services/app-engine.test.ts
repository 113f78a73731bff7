import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { createTestPlatform, insertTestToken, platformRequest, readResponse } from '../testing';

let database: TestDatabase;
let platform: ReturnType<typeof createTestPlatform>;
let token: string;

beforeAll(async () => {
  database = await createTestDatabase();
  platform = createTestPlatform(database.db);
  // ci-bot's policy grants the app engine; alice's does not.
  token = (
    await insertTestToken(database.db, {
      owner: 'ci-bot@service.example.com',
      creator: 'alice@example.com',
      scopes: ['app-engine:apps:run', 'app-engine:apps:install', 'app-engine:functions:run'],
    })
  ).token;
});
afterAll(async () => {
  platform.unsubscribe();
  await database.close();
});

async function call(method: string, path: string, body?: unknown, as = token, environmentId = 'acme-prod') {
  return readResponse(await platform.handle(platformRequest(environmentId, path, { method, token: as, body })));
}
const message = (r: { body: Record<string, unknown> }) => (r.body.error as { message: string }).message;
const APPS = '/app-engine/registry/v1/apps';

describe('app engine', () => {
  it('lists the registry, installs an app once, and lists it as installed', async () => {
    const before = await call('GET', APPS);
    expect(before.body.apps).toEqual([]);
    expect((before.body.available as { id: string }[]).map((a) => a.id)).toEqual(['hello-world', 'text-tools', 'unit-converter']);

    const installed = await call('POST', APPS, { id: 'text-tools' });
    expect(installed).toMatchObject({ status: 201, body: { id: 'text-tools', version: '1.2.0', installed: true } });
    expect((await call('POST', APPS, { id: 'text-tools', version: '1.2.0' })).status).toBe(200);

    const after = await call('GET', APPS);
    const apps = after.body.apps as { id: string; functions: { name: string; input: { type: string } }[] }[];
    expect(apps.map((a) => a.id)).toEqual(['text-tools']);
    expect(apps[0]!.functions.map((f) => f.name)).toEqual(['word-count', 'slugify']);
    expect(apps[0]!.functions[0]!.input.type).toBe('object');
    expect((await call('GET', APPS, undefined, token, 'acme-staging')).body.apps).toEqual([]);
  });

  it('refuses unknown apps and versions, naming the field', async () => {
    const unknown = await call('POST', APPS, { id: 'doom' });
    expect(unknown.status).toBe(400);
    expect(message(unknown)).toContain("field 'id': there is no app 'doom'");
    const version = await call('POST', APPS, { id: 'hello-world', version: '9.9.9' });
    expect(version.status).toBe(400);
    expect(message(version)).toContain("field 'version'");
  });

  it("runs an installed app's function and returns its result", async () => {
    await call('POST', APPS, { id: 'unit-converter' });
    const words = await call('POST', '/app-engine/app-functions/v1/apps/text-tools/api/word-count', { text: 'one two\nthree' });
    expect(words).toMatchObject({ status: 200, body: { characters: 13, words: 3, lines: 2 } });
    const slug = await call('POST', '/app-engine/app-functions/v1/apps/text-tools/api/slugify', { text: 'Crème Brûlée: 2 ways!' });
    expect(slug.body).toEqual({ slug: 'creme-brulee-2-ways' });
    // The converter reads its app settings (the precision): that takes their read scope, which the CI bot lacks.
    const converter = (
      await insertTestToken(database.db, { owner: 'admin@example.com', scopes: ['app-engine:functions:run', 'app-settings:objects:read'] })
    ).token;
    const temperature = await call('POST', '/app-engine/app-functions/v1/apps/unit-converter/api/convert', { value: 100, from: 'C', to: 'F' }, converter);
    expect(temperature.body).toEqual({ value: 212, unit: 'F' });
  });

  it.each([
    ['an app that is not installed', '/apps/hello-world/api/greet', { name: 'x' }, 404, "'hello-world' is not installed"],
    ['an unknown function', '/apps/text-tools/api/shout', { text: 'x' }, 404, "has no function 'shout'"],
    ['a missing field', '/apps/text-tools/api/word-count', {}, 400, "field 'text'"],
    ['units of different kinds', '/apps/unit-converter/api/convert', { value: 1, from: 'km', to: 'GB' }, 400, "field 'to': must be a unit of the same kind"],
    ['an unknown unit', '/apps/unit-converter/api/convert', { value: 1, from: 'parsec', to: 'm' }, 400, "field 'from'"],
  ])('refuses %s', async (_label, path, body, status, text) => {
    const response = await call('POST', `/app-engine/app-functions/v1${path}`, body);
    expect(response.status).toBe(status);
    expect(message(response)).toContain(text);
  });

  it('needs the scope of each endpoint, and the owner’s permission', async () => {
    const listOnly = (await insertTestToken(database.db, { owner: 'ci-bot@service.example.com', creator: 'alice@example.com', scopes: ['app-engine:apps:run'] })).token;
    const install = await call('POST', APPS, { id: 'hello-world' }, listOnly);
    expect(install.status).toBe(403);
    expect(message(install)).toContain("'app-engine:apps:install'");
    const alice = (await insertTestToken(database.db, { scopes: ['app-engine:apps:run'] })).token;
    const refused = await call('GET', APPS, undefined, alice);
    expect(refused.status).toBe(403);
    expect(message(refused)).toContain("lacks the permission 'app-engine:apps:run'");
  });
});

describe('app settings', () => {
  const SETTINGS = '/app-settings/v1/apps';
  let admin: string;

  beforeAll(async () => {
    admin = (
      await insertTestToken(database.db, {
        owner: 'admin@example.com',
        scopes: ['app-settings:objects:read', 'app-settings:objects:write', 'app-engine:apps:install', 'app-engine:functions:run'],
      })
    ).token;
  });

  it('needs the app installed, checks values against its schemas, and the function uses them', async () => {
    const notInstalled = await call('POST', `${SETTINGS}/hello-world/objects`, { schemaId: 'greeting', value: { salutation: 'Hi' } }, admin, 'acme-staging');
    expect(notInstalled.status).toBe(404);
    expect(message(notInstalled)).toContain('not installed');

    await call('POST', APPS, { id: 'hello-world' }, admin, 'acme-staging');
    const before = await call('POST', '/app-engine/app-functions/v1/apps/hello-world/api/greet', { name: 'Alice' }, admin, 'acme-staging');
    expect(before.body).toEqual({ message: 'Hello, Alice!' });

    const bad = await call('POST', `${SETTINGS}/hello-world/objects`, { schemaId: 'greeting', value: { salutation: '', punctuation: ';' } }, admin, 'acme-staging');
    expect(bad.status).toBe(400);
    expect(message(bad)).toContain("field 'value.salutation': must not be empty");
    const unknownSchema = await call('POST', `${SETTINGS}/hello-world/objects`, { schemaId: 'builtin:ownership.teams', value: {} }, admin, 'acme-staging');
    expect(message(unknownSchema)).toContain("The schemas of 'hello-world': greeting");

    const createdObject = await call('POST', `${SETTINGS}/hello-world/objects`, { schemaId: 'greeting', value: { salutation: 'Good morning', punctuation: '.' } }, admin, 'acme-staging');
    expect(createdObject).toMatchObject({ status: 201, body: { appId: 'hello-world', schemaId: 'greeting', version: 1 } });
    const after = await call('POST', '/app-engine/app-functions/v1/apps/hello-world/api/greet', { name: 'Alice' }, admin, 'acme-staging');
    expect(after.body).toEqual({ message: 'Good morning, Alice.' });

    const id = createdObject.body.objectId as string;
    const list = await call('GET', `${SETTINGS}/hello-world/objects`, undefined, admin, 'acme-staging');
    expect((list.body.items as { objectId: string }[]).map((o) => o.objectId)).toEqual([id]);
    expect((await call('PUT', `${SETTINGS}/hello-world/objects/${id}`, { value: { salutation: 'Hey' } }, admin, 'acme-staging')).body).toMatchObject({ version: 2, value: { salutation: 'Hey', punctuation: '!' } });
    // Another app's path does not reach the object.
    await call('POST', APPS, { id: 'unit-converter' }, admin, 'acme-staging');
    expect((await call('DELETE', `${SETTINGS}/unit-converter/objects/${id}`, undefined, admin, 'acme-staging')).status).toBe(404);
    expect((await call('DELETE', `${SETTINGS}/hello-world/objects/${id}`, undefined, admin, 'acme-staging')).status).toBe(200);
  });

  it("needs app-settings:objects:read for a function that reads its app's settings", async () => {
    await call('POST', APPS, { id: 'hello-world' }, admin);
    await call('POST', APPS, { id: 'text-tools' }, admin);
    const functionsOnly = (await insertTestToken(database.db, { owner: 'admin@example.com', scopes: ['app-engine:functions:run'] })).token;
    const refused = await call('POST', '/app-engine/app-functions/v1/apps/hello-world/api/greet', { name: 'Alice' }, functionsOnly);
    expect(refused.status).toBe(403);
    expect(message(refused)).toBe("Missing scope 'app-settings:objects:read': the token was not generated with it.");
    // A function that does not read settings needs no more than the function scope.
    const words = await call('POST', '/app-engine/app-functions/v1/apps/text-tools/api/word-count', { text: 'a b' }, functionsOnly);
    expect(words).toMatchObject({ status: 200, body: { words: 2 } });

    // The CI bot may call functions, but its policies grant no app settings.
    const bot = (
      await insertTestToken(database.db, {
        owner: 'ci-bot@service.example.com',
        creator: 'alice@example.com',
        scopes: ['app-engine:functions:run', 'app-settings:objects:read'],
      })
    ).token;
    const botRefused = await call('POST', '/app-engine/app-functions/v1/apps/hello-world/api/greet', { name: 'Alice' }, bot);
    expect(botRefused.status).toBe(403);
    expect(message(botRefused)).toContain("lacks the permission 'app-settings:objects:read'");
    const listed = await call('GET', APPS, undefined, token);
    const hello = (listed.body.available as { id: string; functions: { name: string; readsSettings: boolean }[] }[]).find((a) => a.id === 'hello-world');
    expect(hello!.functions).toEqual([expect.objectContaining({ name: 'greet', readsSettings: true })]);
  });

  it('needs app-settings permissions of the owner', async () => {
    const bot = (await insertTestToken(database.db, { owner: 'ci-bot@service.example.com', creator: 'alice@example.com', scopes: ['app-settings:objects:read'] })).token;
    const refused = await call('GET', `${SETTINGS}/text-tools/objects`, undefined, bot);
    expect(refused.status).toBe(403);
    expect(message(refused)).toContain("lacks the permission 'app-settings:objects:read'");
  });
});
