import { PlatformHttpClient } from '@dynatrace-sdk/http-client';
import { AppSettingsErrorEnvelopeError, AppSettingsObjectsClient } from '@dynatrace-sdk/client-app-settings';
import {
  ErrorEnvelopeError,
  SettingsObjectResponseArrayError,
  SettingsObjectResponseError,
  SettingsObjectsClient,
  SettingsSchemasClient,
} from '@dynatrace-sdk/client-classic-environment-v2';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { transactWithChanges } from '@/lib/changes';
import { groupMembers, groups, installedApps, policies, policyBindings, settingsObjects, users } from '@/lib/db/schema';
import { sdkClient as client, sdkRefusal, startSdkPlatform } from './sdk-testing';
import { insertTestToken } from './testing';

const platform = startSdkPlatform();

const SETTINGS = ['settings:schemas:read', 'settings:objects:read', 'settings:objects:write'];
const APP_SETTINGS = ['app-settings:objects:read', 'app-settings:objects:write'];
const TEAM = { name: 'Payments', identifier: 'payments', contactEmail: 'payments@example.com' };

async function settingsClients(environmentId: string, scopes = SETTINGS, owner?: string) {
  const { token } = await insertTestToken(platform.database.db, { scopes, environmentIds: [environmentId], ...(owner ? { owner } : {}) });
  const http = client(platform.hostUrl(environmentId), token);
  return { objects: new SettingsObjectsClient(http), schemas: new SettingsSchemasClient(http), http };
}

/** An app settings client of the app named with the App-Id header, installed in the environment first. */
async function appSettingsClient(environmentId: string, appId: string | null, scopes = APP_SETTINGS) {
  const { token } = await insertTestToken(platform.database.db, { scopes, environmentIds: [environmentId], owner: 'admin@example.com' });
  const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
  if (appId) headers['App-Id'] = appId;
  const http = new PlatformHttpClient({ baseUrl: platform.hostUrl(environmentId), defaultHeaders: headers });
  return { settings: new AppSettingsObjectsClient(http), http, token };
}

async function install(environmentId: string, appId: string) {
  await platform.database.db.insert(installedApps).values({ environmentId, appId, version: '1.0.0' }).onConflictDoNothing();
}

describe('@dynatrace-sdk/client-classic-environment-v2: SettingsObjectsClient and SettingsSchemasClient', () => {
  it('creates (a result per object), lists by schemaIds and scopes, gets, updates with the updateToken and deletes (204)', async () => {
    const { objects } = await settingsClients('acme-prod');
    const results = await objects.postSettingsObjects({
      body: [
        { schemaId: 'builtin:ownership.teams', scope: 'environment', value: TEAM },
        { schemaId: 'builtin:alerting.profile', scope: 'environment', value: { name: 'Payments on call' } },
      ],
    });
    expect(results).toHaveLength(2);
    expect(results.map((r) => r.code)).toEqual([200, 200]);
    const [teamId, profileId] = results.map((r) => r.objectId!);

    const listed = await objects.getSettingsObjects({ schemaIds: 'builtin:ownership.teams', scopes: 'environment' });
    expect(listed).toMatchObject({ totalCount: 1, pageSize: 100, items: [{ objectId: teamId, value: TEAM }] });
    // The default fields are objectId and value; fields replaces them.
    expect(Object.keys(listed.items[0]!).sort()).toEqual(['objectId', 'value']);
    expect(listed.nextPageKey).toBeUndefined();
    const withToken = await objects.getSettingsObjects({ schemaIds: 'builtin:ownership.teams', fields: 'objectId,updateToken,schemaId,scope' });
    expect(withToken.items).toEqual([{ objectId: teamId, updateToken: '1', schemaId: 'builtin:ownership.teams', scope: 'environment' }]);

    const read = await objects.getSettingsObjectByObjectId({ objectId: teamId! });
    expect(read).toMatchObject({ objectId: teamId, schemaId: 'builtin:ownership.teams', schemaVersion: '1.0.1', scope: 'environment', value: TEAM, updateToken: '1' });
    expect(typeof read.created).toBe('number');

    const updated = await objects.putSettingsObjectByObjectId({ objectId: teamId!, body: { value: { ...TEAM, name: 'Payments team' }, updateToken: read.updateToken } });
    expect(updated).toEqual({ code: 200, objectId: teamId });
    const stale = objects.putSettingsObjectByObjectId({ objectId: teamId!, body: { value: TEAM, updateToken: read.updateToken } });
    await expect(stale).rejects.toBeInstanceOf(SettingsObjectResponseError);
    await expect(stale).rejects.toMatchObject({ message: 'The object changed meanwhile: it is at version 2, not 1. Read it again and retry.' });
    // Without an updateToken, an update overrides whatever is there.
    await objects.putSettingsObjectByObjectId({ objectId: teamId!, body: { value: { ...TEAM, name: 'Payments crew' } } });
    expect((await objects.getSettingsObjectByObjectId({ objectId: teamId! })).value).toMatchObject({ name: 'Payments crew' });

    await expect(objects.deleteSettingsObjectByObjectId({ objectId: teamId!, updateToken: '1' })).rejects.toMatchObject({
      message: 'The object changed meanwhile: it is at version 3, not 1. Read it again and retry.',
    });
    await expect(objects.deleteSettingsObjectByObjectId({ objectId: teamId!, updateToken: '3' })).resolves.toBeUndefined();
    await expect(objects.deleteSettingsObjectByObjectId({ objectId: profileId! })).resolves.toBeUndefined();
    const gone = objects.getSettingsObjectByObjectId({ objectId: teamId! });
    await expect(gone).rejects.toBeInstanceOf(ErrorEnvelopeError);
    await expect(gone).rejects.toMatchObject({ message: `No settings object with ID '${teamId}' here.` });

    // The same objects as the portal's own settings API.
    const { http } = await settingsClients('acme-prod');
    const [again] = await objects.postSettingsObjects({ body: [{ schemaId: 'builtin:ownership.teams', scope: 'environment', value: TEAM }] });
    const own = await http.send({ url: `/platform/settings/v1/objects?schemaId=builtin:ownership.teams`, method: 'GET' });
    expect(((await own.body('json')) as { items: { objectId: string }[] }).items.map((o) => o.objectId)).toContain(again!.objectId);
  });

  it('pages with nextPageKey alone, which carries the first page query', async () => {
    const { objects } = await settingsClients('acme-staging');
    await objects.postSettingsObjects({ body: Array.from({ length: 5 }, (_, i) => ({ schemaId: 'builtin:alerting.profile', scope: 'environment', value: { name: `page ${i}` } })) });
    const names: string[] = [];
    let page = await objects.getSettingsObjects({ schemaIds: 'builtin:alerting.profile', fields: 'value', pageSize: 2 });
    expect(page).toMatchObject({ totalCount: 5, pageSize: 2 });
    for (;;) {
      names.push(...page.items.map((o) => (o.value as { name: string }).name));
      if (!page.nextPageKey) break;
      page = await objects.getSettingsObjects({ nextPageKey: page.nextPageKey });
    }
    // Objects created together have one creation time; each comes once, none is skipped.
    expect(names.sort()).toEqual(['page 0', 'page 1', 'page 2', 'page 3', 'page 4']);
    // Another scope than the environment targets nothing here.
    expect(await objects.getSettingsObjects({ schemaIds: 'builtin:alerting.profile', scopes: 'HOST-D3A3C5A146830A79' })).toMatchObject({ items: [], totalCount: 0 });
    await expect(objects.getSettingsObjects({ nextPageKey: page.nextPageKey ?? 'bm9wZQ', pageSize: 2 })).rejects.toMatchObject({
      message: expect.stringMatching(/^Invalid query parameter '(nextPageKey|pageSize)'/) as unknown,
    });
  });

  it('creates all objects or none: a bad one is a 400 naming its field, a second single-object one a 409', async () => {
    const { objects } = await settingsClients('acme-prod');
    const before = await platform.database.db.$count(settingsObjects);
    const bad = objects.postSettingsObjects({
      body: [
        { schemaId: 'builtin:ownership.teams', scope: 'environment', value: TEAM },
        { schemaId: 'builtin:ownership.teams', scope: 'environment', value: { ...TEAM, identifier: 'Not Valid' } },
      ],
    });
    await expect(bad).rejects.toBeInstanceOf(SettingsObjectResponseArrayError);
    await expect(bad).rejects.toMatchObject({ message: expect.stringContaining("Invalid request body field '1.value.identifier': must be 1-63 lowercase") as unknown });
    await expect(objects.postSettingsObjects({ body: [{ schemaId: 'builtin:ownership.teams', scope: 'HOST-1', value: TEAM }] })).rejects.toMatchObject({
      message: "Invalid request body field '0.scope': must be 'environment': this portal keeps no monitored entities for an object to target",
    });
    await expect(objects.postSettingsObjects({ body: [{ schemaId: 'builtin:nope', scope: 'environment', value: {} }] })).rejects.toMatchObject({
      message: expect.stringContaining("Invalid request body field '0.schemaId': there is no schema 'builtin:nope'") as unknown,
    });
    const single = { schemaId: 'builtin:anomaly-detection.infrastructure-hosts', scope: 'environment', value: {} };
    const twice = objects.postSettingsObjects({ body: [single, single] });
    await expect(twice).rejects.toBeInstanceOf(SettingsObjectResponseArrayError);
    await expect(twice).rejects.toMatchObject({ message: expect.stringContaining('allows one object here and it exists already') as unknown });
    // validateOnly checks without storing.
    await expect(objects.postSettingsObjects({ body: [single], validateOnly: true })).resolves.toEqual([]);
    expect(await platform.database.db.$count(settingsObjects)).toBe(before);
  });

  it('holds under parallel calls: one object of a single-object schema, one update per updateToken', async () => {
    const { objects } = await settingsClients('acme-staging');
    const single = { schemaId: 'builtin:anomaly-detection.infrastructure-hosts', scope: 'environment', value: { cpuSaturationPercent: 90 } };
    const creates = await Promise.all(Array.from({ length: 5 }, () => sdkRefusal(objects.postSettingsObjects({ body: [single] }))));
    // sdkRefusal answers status 0 for a call that succeeded.
    expect(creates.map((r) => r.status).sort()).toEqual([0, 409, 409, 409, 409]);
    const [team] = await objects.postSettingsObjects({ body: [{ schemaId: 'builtin:ownership.teams', scope: 'environment', value: TEAM }] });
    const updates = await Promise.all(
      ['A', 'B', 'C'].map((suffix) =>
        sdkRefusal(objects.putSettingsObjectByObjectId({ objectId: team!.objectId!, body: { value: { ...TEAM, name: `Payments ${suffix}` }, updateToken: '1' } })),
      ),
    );
    expect(updates.map((r) => r.status).sort()).toEqual([0, 409, 409]);
    expect((await objects.getSettingsObjectByObjectId({ objectId: team!.objectId! })).updateToken).toBe('2');
  });

  it('refuses what is not kept here by name: filter, adminAccess, fields, an unknown schema, a bad updateToken', async () => {
    const { objects } = await settingsClients('acme-prod');
    const cases: [() => Promise<unknown>, string][] = [
      [() => objects.getSettingsObjects({ schemaIds: 'builtin:ownership.teams', filter: "value.name = 'x'" }), "Invalid query parameter 'filter': is not a parameter of this endpoint; it takes schemaIds, scopes, fields, nextPageKey and pageSize"],
      [() => objects.getSettingsObjects({ schemaIds: 'builtin:ownership.teams', adminAccess: true }), "Invalid query parameter 'adminAccess': adminAccess is not supported here"],
      [() => objects.getSettingsObjects({ schemaIds: 'builtin:ownership.teams', fields: 'objectId,summary' }), "Invalid query parameter 'fields': 'summary' is not kept by this portal"],
      [() => objects.getSettingsObjects({ schemaIds: 'builtin:nope' }), "Invalid query parameter 'schemaIds': there is no schema 'builtin:nope'"],
      [() => objects.getSettingsObjects(), "Invalid query parameter 'schemaIds': give schemaIds or scopes"],
      [() => objects.deleteSettingsObjectByObjectId({ objectId: '00000000-0000-4000-8000-000000000000', updateToken: 'abc' }), "Invalid query parameter 'updateToken': is not a version"],
    ];
    for (const [call, message] of cases) {
      const refusal = await sdkRefusal(call());
      expect(refusal.status, message).toBe(400);
      expect(refusal.message).toContain(message);
    }
    await expect(objects.getSettingsObjects({ schemaIds: 'builtin:ownership.teams', filter: "value.name = 'x'" })).rejects.toBeInstanceOf(ErrorEnvelopeError);
  });

  it("lists only the schemas' objects the owner's policies allow, and refuses a write they deny", async () => {
    const [bob] = await platform.database.db.select({ id: users.id }).from(users).where(eq(users.email, 'bob@example.com'));
    await transactWithChanges(platform.database.db, async (tx, publish) => {
      const [group] = await tx.insert(groups).values({ accountId: 'acme', name: 'SDK no teams' }).returning();
      const [policy] = await tx
        .insert(policies)
        .values({ accountId: 'acme', name: 'SDK no teams', statements: 'DENY settings:objects:write, settings:objects:read WHERE settings:schema-id = "builtin:ownership.teams";' })
        .returning();
      await tx.insert(groupMembers).values({ groupId: group!.id, userId: bob!.id });
      await tx.insert(policyBindings).values({ groupId: group!.id, policyId: policy!.id });
      publish({ kind: 'account', accountId: 'acme' });
    });
    const { objects: alices } = await settingsClients('acme-prod');
    const [team] = await alices.postSettingsObjects({ body: [{ schemaId: 'builtin:ownership.teams', scope: 'environment', value: { ...TEAM, identifier: 'hidden' } }] });
    const { objects } = await settingsClients('acme-prod', SETTINGS, 'bob@example.com');
    const listed = await objects.getSettingsObjects({ scopes: 'environment', fields: 'objectId,schemaId' });
    expect(listed.items.map((o) => o.schemaId)).not.toContain('builtin:ownership.teams');
    expect(await objects.getSettingsObjects({ schemaIds: 'builtin:ownership.teams' })).toMatchObject({ items: [], totalCount: 0 });
    const denied = objects.getSettingsObjectByObjectId({ objectId: team!.objectId! });
    await expect(denied).rejects.toBeInstanceOf(ErrorEnvelopeError);
    await expect(denied).rejects.toMatchObject({ message: expect.stringContaining("'settings:objects:read'") as unknown });
    expect((await sdkRefusal(objects.postSettingsObjects({ body: [{ schemaId: 'builtin:ownership.teams', scope: 'environment', value: TEAM }] }))).status).toBe(403);
  });

  it('lists the schemas and gets one with its properties; an unknown one is a 404', async () => {
    const { schemas } = await settingsClients('acme-prod');
    const list = await schemas.getAvailableSchemaDefinitions();
    expect(list.totalCount).toBe(list.items.length);
    expect(list.items).toContainEqual({ schemaId: 'builtin:ownership.teams', displayName: 'Teams', latestSchemaVersion: '1.0.1', multiObject: true, ordered: false });
    const teams = await schemas.getSchemaDefinition({ schemaId: 'builtin:ownership.teams' });
    expect(teams).toMatchObject({ schemaId: 'builtin:ownership.teams', version: '1.0.1', multiObject: true, allowedScopes: ['environment'] });
    expect(teams.properties).toHaveProperty('contactEmail');
    const missing = schemas.getSchemaDefinition({ schemaId: 'builtin:nope' });
    await expect(missing).rejects.toBeInstanceOf(ErrorEnvelopeError);
    await expect(missing).rejects.toMatchObject({ message: "No settings schema 'builtin:nope' here. GET /settings/v1/schemas lists the schemas." });
  });

  it('cannot be supported: object permissions, history, effective values (README, "Platform API")', async () => {
    const { objects } = await settingsClients('acme-prod');
    const refusals = [
      () => objects.getSettingsHistory({ schemaId: 'builtin:ownership.teams' }),
      () => objects.getEffectiveSettingsValues({ schemaIds: 'builtin:ownership.teams', scope: 'environment' }),
      () => objects.getPermissions({ objectId: '00000000-0000-4000-8000-000000000000' }),
      () => objects.resolveEffectivePermissions({ body: { permissions: [{ permission: 'settings:objects:read', context: { schemaId: 'builtin:ownership.teams', scope: 'environment' } }] } }),
    ];
    for (const refusal of refusals) {
      expect(await sdkRefusal(refusal())).toEqual({ status: 404, message: 'No such endpoint. GET /api/openapi.json lists every endpoint.' });
    }
  });
});

describe('@dynatrace-sdk/client-app-settings: AppSettingsObjectsClient, of the App-Id app or else the app "scripts"', () => {
  it('creates, lists with page-key and page-size, gets, updates and deletes at the optimistic-locking-version', async () => {
    await install('acme-prod', 'hello-world');
    const { settings, http } = await appSettingsClient('acme-prod', 'hello-world');
    const createdObject = await settings.postAppSettingsObject({ body: { schemaId: 'greeting', value: { salutation: 'Howdy' } } });
    expect(createdObject).toEqual({ objectId: expect.any(String) as unknown, version: '1' });
    const { objectId } = createdObject!;

    const listed = await settings.getAppSettingsObjects({ schemaIds: 'greeting' });
    expect(listed).toEqual({ items: [{ objectId, version: '1' }], totalCount: 1, pageSize: 100 });
    const withValue = await settings.getAppSettingsObjects({ schemaIds: 'greeting', addFields: 'value,schemaId', pageSize: 1 });
    expect(withValue.items).toEqual([{ objectId, version: '1', value: { salutation: 'Howdy', punctuation: '!' }, schemaId: 'greeting' }]);

    const read = await settings.getAppSettingsObjectByObjectId({ objectId });
    expect(read).toMatchObject({ objectId, version: '1', schemaId: 'greeting', schemaVersion: '1.0.0', value: { salutation: 'Howdy', punctuation: '!' } });
    expect(read.modificationInfo?.lastModifiedTime).toBeInstanceOf(Date);

    await expect(settings.putAppSettingsObjectByObjectId({ objectId, optimisticLockingVersion: read.version, body: { value: { salutation: 'Hey' } } })).resolves.toBeUndefined();
    const stale = settings.putAppSettingsObjectByObjectId({ objectId, optimisticLockingVersion: read.version, body: { value: { salutation: 'Hi' } } });
    await expect(stale).rejects.toBeInstanceOf(AppSettingsErrorEnvelopeError);
    await expect(stale).rejects.toMatchObject({ message: 'The object changed meanwhile: it is at version 2, not 1. Read it again and retry.' });

    // The app reads its settings: the same objects as /app-settings/v1/apps/hello-world/objects.
    const own = await http.send({ url: '/platform/app-settings/v1/apps/hello-world/objects', method: 'GET' });
    expect(await own.body('json')).toMatchObject({ items: [{ objectId, version: 2, value: { salutation: 'Hey' } }] });
    const effective = await settings.getEffectiveAppSettingsValues({ schemaIds: 'greeting', addFields: 'schemaId' });
    expect(effective).toEqual({ items: [{ value: { salutation: 'Hey', punctuation: '!' }, schemaId: 'greeting' }], totalCount: 1, pageSize: 100 });

    await expect(settings.deleteAppSettingsObjectByObjectId({ objectId, optimisticLockingVersion: '1' })).rejects.toMatchObject({
      message: 'The object changed meanwhile: it is at version 2, not 1. Read it again and retry.',
    });
    await expect(settings.deleteAppSettingsObjectByObjectId({ objectId, optimisticLockingVersion: '2' })).resolves.toBeUndefined();
    const gone = settings.getAppSettingsObjectByObjectId({ objectId });
    await expect(gone).rejects.toBeInstanceOf(AppSettingsErrorEnvelopeError);
    await expect(gone).rejects.toMatchObject({ message: `No settings object with ID '${objectId}' here.` });
  });

  it("keeps each app's objects apart, pages with page-key alone, and validates without storing", async () => {
    await install('acme-staging', 'hello-world');
    await install('acme-staging', 'unit-converter');
    const { settings: greeter } = await appSettingsClient('acme-staging', 'hello-world');
    const { settings: converter } = await appSettingsClient('acme-staging', 'unit-converter');
    await converter.postAppSettingsObject({ body: { schemaId: 'defaults', value: { precision: 3 } } });
    expect(await greeter.getAppSettingsObjects()).toMatchObject({ items: [], totalCount: 0 });
    const other = (await converter.getAppSettingsObjects()).items[0]!;
    await expect(greeter.getAppSettingsObjectByObjectId({ objectId: other.objectId })).rejects.toMatchObject({ message: `No settings object with ID '${other.objectId}' here.` });

    await expect(greeter.postAppSettingsObject({ body: { schemaId: 'greeting', value: { salutation: 'Yo' } }, validateOnly: true })).resolves.toBeUndefined();
    expect((await greeter.getAppSettingsObjects()).totalCount).toBe(0);
    await greeter.postAppSettingsObject({ body: { schemaId: 'greeting', value: { salutation: 'Yo' } } });
    const first = await converter.getAppSettingsObjects({ pageSize: 1 });
    expect(first).toMatchObject({ totalCount: 1, pageSize: 1 });
    expect(first.nextPageKey).toBeUndefined();
    expect((await greeter.getAppSettingsObjects({ schemaIds: 'greeting', pageSize: 1 })).items).toHaveLength(1);
  });

  it('a bad request is a 400 naming the field, with the portal message in the typed error', async () => {
    await install('acme-prod', 'hello-world');
    const { settings } = await appSettingsClient('acme-prod', 'hello-world');
    const before = await platform.database.db.$count(settingsObjects);
    const cases: [() => Promise<unknown>, string][] = [
      [() => settings.postAppSettingsObject({ body: { schemaId: 'greeting', value: { salutation: '' } } }), "Invalid request body field 'value.salutation': must not be empty"],
      [() => settings.postAppSettingsObject({ body: { schemaId: 'nope', value: {} } }), "Invalid request body field 'schemaId': there is no schema 'nope'. The schemas of 'hello-world': greeting."],
      [() => settings.getAppSettingsObjects({ schemaIds: 'nope' }), "Invalid query parameter 'schema-ids': there is no schema 'nope'"],
      [() => settings.getAppSettingsObjects({ addFields: 'summary' }), "Invalid query parameter 'add-fields': 'summary' is not kept by this portal"],
      [() => settings.getAppSettingsObjects({ pageKey: 'nope' }), "Invalid query parameter 'page-key': is not a page key of this list."],
      [() => settings.getAppSettingsObjects({ pageSize: 501 }), "Invalid query parameter 'page-size': must be a whole number from 1 to 500"],
      [
        () => settings.putAppSettingsObjectByObjectId({ objectId: '00000000-0000-4000-8000-000000000000', optimisticLockingVersion: 'x', body: { value: {} } }),
        "Invalid query parameter 'optimistic-locking-version': is not a version of a settings object",
      ],
    ];
    for (const [call, message] of cases) {
      const error: unknown = await call().catch((e: unknown) => e);
      expect(error, message).toBeInstanceOf(AppSettingsErrorEnvelopeError);
      expect(error, message).toMatchObject({ message: expect.stringContaining(message) as unknown });
    }
    await expect(settings.postAppSettingsObject({ body: { schemaId: 'greeting', value: { salutation: 'One' } } })).resolves.toBeDefined();
    await expect(settings.postAppSettingsObject({ body: { schemaId: 'greeting', value: { salutation: 'Two' } } })).rejects.toMatchObject({
      message: expect.stringContaining('Schema greeting allows one object here') as unknown,
    });
    expect(await platform.database.db.$count(settingsObjects)).toBe(before + 1);
  });

  it('without App-Id the app is "scripts", which is not an installed app; a bad App-Id is named; the app-id policy attribute holds', async () => {
    const { settings } = await appSettingsClient('acme-prod', null);
    await expect(settings.getAppSettingsObjects()).rejects.toMatchObject({
      message: "The app 'scripts' is not installed in this environment. POST /app-engine/registry/v1/apps installs an app of the registry. The app of a call is named with the App-Id header (without one it is 'scripts').",
    });
    const { settings: bad } = await appSettingsClient('acme-prod', '../x');
    await expect(bad.getAppSettingsObjects()).rejects.toMatchObject({ message: expect.stringContaining("Invalid header 'app-id'") as unknown });
    const { settings: readOnly } = await appSettingsClient('acme-prod', 'hello-world', ['app-settings:objects:read']);
    const refused = readOnly.postAppSettingsObject({ body: { schemaId: 'greeting', value: { salutation: 'No' } } });
    await expect(refused).rejects.toBeInstanceOf(AppSettingsErrorEnvelopeError);
    await expect(refused).rejects.toMatchObject({ message: expect.stringContaining("'app-settings:objects:write'") as unknown });
  });

  it('cannot be supported: resolveEffectivePermissions (README, "Platform API")', async () => {
    const { settings } = await appSettingsClient('acme-prod', 'hello-world');
    const refusal = settings.resolveEffectivePermissions({ body: { permissions: [{ permission: 'app-settings:objects:read' }] } });
    expect(await sdkRefusal(refusal)).toEqual({ status: 404, message: 'No such endpoint. GET /api/openapi.json lists every endpoint.' });
  });
});
