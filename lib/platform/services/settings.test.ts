import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transactWithChanges } from '@/lib/changes';
import { groupMembers, groups, policies, policyBindings, settingsObjects, users } from '@/lib/db/schema';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { createTestPlatform, insertTestToken, platformRequest, readResponse } from '../testing';

let database: TestDatabase;
let platform: ReturnType<typeof createTestPlatform>;
let token: string;
const SETTINGS = ['settings:schemas:read', 'settings:objects:read', 'settings:objects:write'];

beforeAll(async () => {
  database = await createTestDatabase();
  platform = createTestPlatform(database.db);
  token = (await insertTestToken(database.db, { scopes: SETTINGS })).token;
});
afterAll(async () => {
  platform.unsubscribe();
  await database.close();
});

async function call(method: string, path: string, body?: unknown, as = token, environmentId = 'acme-prod') {
  return readResponse(await platform.handle(platformRequest(environmentId, `/settings/v1${path}`, { method, token: as, body })));
}
const message = (r: { body: Record<string, unknown> }) => (r.body.error as { message: string }).message;

const TEAM = { name: 'Checkout', identifier: 'checkout', contactEmail: 'checkout@example.com' };

describe('settings', () => {
  it('lists the built-in schemas with their JSON Schema', async () => {
    const response = await call('GET', '/schemas');
    expect(response.status).toBe(200);
    const items = response.body.items as { schemaId: string; schema: { properties: Record<string, unknown> } }[];
    expect(items.map((s) => s.schemaId)).toContain('builtin:ownership.teams');
    expect(items.find((s) => s.schemaId === 'builtin:ownership.teams')!.schema.properties).toHaveProperty('contactEmail');
  });

  it('creates, reads, updates and deletes an object', async () => {
    const createdResponse = await call('POST', '/objects', { schemaId: 'builtin:ownership.teams', value: TEAM });
    expect(createdResponse.status).toBe(201);
    expect(createdResponse.body).toMatchObject({ schemaId: 'builtin:ownership.teams', schemaVersion: '1.0.1', value: TEAM, version: 1, owner: { type: 'user', email: 'alice@example.com' } });
    const id = createdResponse.body.objectId as string;

    const list = await call('GET', '/objects?schemaId=builtin:ownership.teams');
    expect((list.body.items as { objectId: string }[]).map((o) => o.objectId)).toEqual([id]);

    const updated = await call('PUT', `/objects/${id}`, { value: { ...TEAM, name: 'Checkout team' }, version: 1 });
    expect(updated).toMatchObject({ status: 200, body: { version: 2, value: { name: 'Checkout team' } } });
    const stale = await call('PUT', `/objects/${id}`, { value: TEAM, version: 1 });
    expect(stale.status).toBe(409);
    expect(message(stale)).toContain('at version 2, not 1');

    expect((await call('DELETE', `/objects/${id}`)).body).toEqual({ objectId: id, deleted: true });
    expect((await call('DELETE', `/objects/${id}`)).status).toBe(404);
  });

  it('applies schema defaults and keeps objects per environment', async () => {
    const response = await call('POST', '/objects', { schemaId: 'builtin:alerting.profile', value: { name: 'Default' } }, token, 'acme-staging');
    expect(response.body.value).toEqual({ name: 'Default', enabled: true, severityRules: [] });
    const prod = await call('GET', '/objects?schemaId=builtin:alerting.profile');
    expect(prod.body.items).toEqual([]);
  });

  it.each([
    ['an unknown schema', { schemaId: 'builtin:nope', value: {} }, "field 'schemaId': there is no schema 'builtin:nope'"],
    ['a missing value', { schemaId: 'builtin:ownership.teams' }, "field 'value'"],
    ['a value of the wrong type', { schemaId: 'builtin:ownership.teams', value: { ...TEAM, identifier: 'Not Valid' } }, "field 'value.identifier': must be 1-63 lowercase"],
    ['an unknown field', { schemaId: 'builtin:ownership.teams', value: { ...TEAM, color: 'red' } }, "field 'value': Unrecognized key"],
    ['a bad nested field', { schemaId: 'builtin:alerting.profile', value: { name: 'x', severityRules: [{ severityLevel: 'ERROR', delayInMinutes: -1 }] } }, "field 'value.severityRules.0.delayInMinutes': must be at least 0"],
    ['an end before the start', { schemaId: 'builtin:alerting.maintenance-window', value: { name: 'x', suppression: 'DONT_DETECT_PROBLEMS', start: '2025-01-02T00:00:00Z', end: '2025-01-01T00:00:00Z' } }, "field 'value.end': must be after start"],
    ['U+0000 in a name', { schemaId: 'builtin:ownership.teams', value: { ...TEAM, name: 'a\u0000' } }, "field 'value.name'"],
  ])('refuses %s with a 400 naming the field', async (_label, body, text) => {
    const before = await database.db.$count(settingsObjects);
    const response = await call('POST', '/objects', body);
    expect(response.status).toBe(400);
    expect(message(response)).toContain(text);
    expect(await database.db.$count(settingsObjects)).toBe(before);
  });

  it('allows one object of a single-object schema, also under concurrent creates', async () => {
    const body = { schemaId: 'builtin:anomaly-detection.infrastructure-hosts', value: {} };
    const responses = await Promise.all(Array.from({ length: 5 }, () => call('POST', '/objects', body)));
    expect(responses.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    expect(message(responses.find((r) => r.status === 409)!)).toContain('allows one object here');
  });

  it('needs the scopes, and checks the settings:schema-id attribute of the owner', async () => {
    const readOnly = (await insertTestToken(database.db, { scopes: ['settings:objects:read'] })).token;
    const refused = await call('POST', '/objects', { schemaId: 'builtin:ownership.teams', value: TEAM }, readOnly);
    expect(refused.status).toBe(403);
    expect(message(refused)).toContain("'settings:objects:write'");

    // bob may write everything but teams.
    const [bob] = await database.db.select({ id: users.id }).from(users).where(eq(users.email, 'bob@example.com'));
    await transactWithChanges(database.db, async (tx, publish) => {
      const [group] = await tx.insert(groups).values({ accountId: 'acme', name: 'No teams' }).returning();
      const [policy] = await tx
        .insert(policies)
        .values({ accountId: 'acme', name: 'No teams', statements: 'DENY settings:objects:write, settings:objects:read WHERE settings:schema-id = "builtin:ownership.teams";' })
        .returning();
      await tx.insert(groupMembers).values({ groupId: group!.id, userId: bob!.id });
      await tx.insert(policyBindings).values({ groupId: group!.id, policyId: policy!.id });
      publish({ kind: 'account', accountId: 'acme' });
    });
    const bobToken = (await insertTestToken(database.db, { owner: 'bob@example.com', scopes: SETTINGS })).token;
    const denied = await call('POST', '/objects', { schemaId: 'builtin:ownership.teams', value: TEAM }, bobToken);
    expect(denied.status).toBe(403);
    expect(message(denied)).toContain("'settings:objects:write'");
    const alicesTeam = await call('POST', '/objects', { schemaId: 'builtin:ownership.teams', value: TEAM });
    const deniedUpdate = await call('PUT', `/objects/${alicesTeam.body.objectId as string}`, { value: TEAM }, bobToken);
    expect(deniedUpdate.status).toBe(403);
    const listed = await call('GET', '/objects', undefined, bobToken);
    const schemaIds = (listed.body.items as { schemaId: string }[]).map((o) => o.schemaId);
    expect(schemaIds).not.toContain('builtin:ownership.teams');
    expect(schemaIds).toContain('builtin:anomaly-detection.infrastructure-hosts');
  });

  it('pages through objects in a stable order', async () => {
    for (let i = 0; i < 5; i++) await call('POST', '/objects', { schemaId: 'builtin:alerting.profile', value: { name: `p${i}` } }, token, 'acme-staging');
    const seen: string[] = [];
    let key: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof call>> = await call('GET', `/objects?limit=2${key ? `&page-key=${key}` : ''}`, undefined, token, 'acme-staging');
      seen.push(...(page.body.items as { value: { name: string } }[]).map((o) => o.value.name));
      key = page.body.nextPageKey as string | null;
    } while (key);
    expect(seen).toEqual(['Default', 'p0', 'p1', 'p2', 'p3', 'p4']);
    // A key of a time PostgreSQL cannot read (year 0000) is no page key, here and in the Settings 2.0 list.
    const yearZero = ['0000-01-01T00:00:00Z', '7b0c7f4e-3d7a-4a36-9a57-0f4f1c2a9e01'];
    const refused = await call('GET', `/objects?page-key=${Buffer.from(JSON.stringify(yearZero)).toString('base64url')}`);
    expect(refused.status).toBe(400);
    expect(message(refused)).toBe("Invalid query parameter 'page-key': is not a page key of this list.");
    const classicKey = { schemaIds: ['builtin:alerting.profile'], fields: ['objectId'], pageSize: 2, after: yearZero };
    const classic = await readResponse(
      await platform.handle(
        platformRequest('acme-prod', `/classic/environment-api/v2/settings/objects?nextPageKey=${Buffer.from(JSON.stringify(classicKey)).toString('base64url')}`, { token }),
      ),
    );
    expect(classic.status).toBe(400);
    expect(message(classic)).toBe("Invalid query parameter 'nextPageKey': is not a page key of this list.");
  });
});
