import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { createTestPlatform, insertTestToken, platformRequest, readResponse } from '../testing';

let database: TestDatabase;
let platform: ReturnType<typeof createTestPlatform>;
let clock = new Date('2025-01-01T00:00:00.000Z');
const SCOPES = ['notification:self-notifications:read', 'notification:self-notifications:write'];
const PATH = '/notification/v2/self-notifications';

beforeAll(async () => {
  database = await createTestDatabase();
  platform = createTestPlatform(database.db, { now: () => clock });
});
afterAll(async () => {
  platform.unsubscribe();
  await database.close();
});

async function call(method: string, path: string, token: string, body?: unknown, environmentId = 'acme-prod') {
  return readResponse(await platform.handle(platformRequest(environmentId, path, { method, token, body })));
}
const message = (r: { body: Record<string, unknown> }) => (r.body.error as { message: string }).message;

describe('self-notifications', () => {
  it("keeps notifications per owner and environment, newest first, shared by the owner's tokens", async () => {
    // The admin's policy grants every permission, so the notification scopes work for them.
    const first = (await insertTestToken(database.db, { owner: 'admin@example.com', scopes: SCOPES })).token;
    const second = (await insertTestToken(database.db, { owner: 'admin@example.com', scopes: SCOPES })).token;
    for (const title of ['one', 'two', 'three']) {
      clock = new Date(clock.getTime() + 1000);
      expect((await call('POST', PATH, first, { title })).status).toBe(201);
    }
    clock = new Date(clock.getTime() + 1000);
    const created = await call('POST', PATH, first, { title: 'Export done', message: '12 records', severity: 'warning' });
    expect(created.body).toMatchObject({ title: 'Export done', message: '12 records', severity: 'warning' });

    const page1 = await call('GET', `${PATH}?limit=2`, second);
    const titles = (page1.body.notifications as { title: string }[]).map((n) => n.title);
    expect(titles).toEqual(['Export done', 'three']);
    const page2 = await call('GET', `${PATH}?limit=2&page-key=${page1.body.nextPageKey as string}`, second);
    expect((page2.body.notifications as { title: string }[]).map((n) => n.title)).toEqual(['two', 'one']);
    expect(page2.body.nextPageKey).toBeNull();

    expect((await call('GET', PATH, second, undefined, 'acme-staging')).body.notifications).toEqual([]);
    const globex = (await insertTestToken(database.db, { accountId: 'globex', owner: 'admin@example.com', scopes: SCOPES })).token;
    expect((await call('GET', PATH, globex, undefined, 'globex-prod')).body.notifications).toEqual([]);
  });

  it('refuses bad input naming the field, and owners without the permission', async () => {
    const admin = (await insertTestToken(database.db, { owner: 'admin@example.com', scopes: SCOPES })).token;
    const empty = await call('POST', PATH, admin, { title: '  ' });
    expect(empty.status).toBe(400);
    expect(message(empty)).toContain("'title': must not be empty");
    const severity = await call('POST', PATH, admin, { title: 'x', severity: 'fatal' });
    expect(message(severity)).toContain("'severity': must be one of info, warning, error");
    // Alice's policies do not grant notifications.
    const alice = (await insertTestToken(database.db, { scopes: SCOPES })).token;
    const refused = await call('GET', PATH, alice);
    expect(refused.status).toBe(403);
    expect(message(refused)).toContain("'notification:self-notifications:read'");
  });
});

describe('davis analyzers', () => {
  it('lists the analyzers with their input schema and runs one', async () => {
    const admin = (await insertTestToken(database.db, { owner: 'admin@example.com', scopes: ['davis:analyzers:read', 'davis:analyzers:execute'] })).token;
    const list = await call('GET', '/davis/analyzers/v1/analyzers', admin);
    expect(list.status).toBe(200);
    expect((list.body.analyzers as { name: string }[]).map((a) => a.name)).toEqual(['statistics', 'linear-forecast', 'outliers']);
    const stats = await call('POST', '/davis/analyzers/v1/analyzers/statistics:execute', admin, { series: [1, 2, 3, 4] });
    expect(stats).toMatchObject({ status: 200, body: { analyzer: 'statistics', result: { count: 4, mean: 2.5, median: 2.5 } } });
    const forecast = await call('POST', '/davis/analyzers/v1/analyzers/linear-forecast:execute', admin, { series: [2, 4, 6], horizon: 2 });
    expect((forecast.body.result as { forecast: { value: number }[] }).forecast.map((p) => Math.round(p.value))).toEqual([8, 10]);
  });

  it('names the bad input in a 400, and an unknown analyzer in a 404', async () => {
    const admin = (await insertTestToken(database.db, { owner: 'admin@example.com', scopes: ['davis:analyzers:execute'] })).token;
    const bad = await call('POST', '/davis/analyzers/v1/analyzers/statistics:execute', admin, { series: [1, '2'] });
    expect(bad.status).toBe(400);
    expect(message(bad)).toBe("Invalid request body field 'series.1': must be a number");
    const unknown = await call('POST', '/davis/analyzers/v1/analyzers/magic:execute', admin, { series: [1] });
    expect(unknown.status).toBe(404);
    const refused = await call('GET', '/davis/analyzers/v1/analyzers', admin);
    expect(refused.status).toBe(403);
    expect(message(refused)).toContain("'davis:analyzers:read'");
  });
});
