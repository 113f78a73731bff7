// The account management API's platform tokens (PRODUCT.md §12), through the contract-checked test
// platform: who may call it, and that the rules of §3 hold as they do on the pages.
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTokenManagement } from '@/lib/accounts/token-management';
import { setTokenPolicy } from '@/lib/accounts/token-policy';
import { databaseSnapshot } from '@/lib/db/snapshot';
import { auditEvents, platformTokens, serviceUsers } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { actorByEmail, demoIdentities, type DemoIdentities } from '@/lib/testing/demo';
import { TOKEN_LIMIT } from '@/lib/tokens/limits';
import { accountRequest, createTestPlatform, insertTestToken, platformRequest, readResponse, type PlatformCall } from '../testing';
import { ADMIN_OWNER_MESSAGE } from './account-access';

const MANAGE = 'platform-token:tokens:manage';
const BASE = '/iam/v1/accounts/acme/platform-tokens';

describe(`account management API: platform tokens (${testBackend})`, () => {
  let database: TestDatabase;
  let demo: DemoIdentities;
  let platform: ReturnType<typeof createTestPlatform>;
  let adminToken: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    demo = await demoIdentities(database.db);
    platform = createTestPlatform(database.db);
    adminToken = (await insertTestToken(database.db, { owner: 'admin@example.com', scopes: [MANAGE] })).token;
  });
  afterAll(async () => {
    platform.unsubscribe();
    await database.close();
  });

  const call = async (path: string, options: PlatformCall = {}) =>
    readResponse(await platform.handle(accountRequest(path, { token: adminToken, ...options })));
  const messageOf = (response: { body: Record<string, unknown> }) => (response.body.error as { message: string } | undefined)?.message;
  const body = (overrides: Record<string, unknown> = {}) => ({
    name: 'terraform token',
    scope: ['document:documents:read'],
    resource: ['urn:dtenvironment:acme-prod'],
    ...overrides,
  });

  it('generates a token that works only where and for what it was made, and stores no secret', async () => {
    const response = await call(BASE, { method: 'POST', body: body() });
    expect(response.status).toBe(201);
    const { token, tokenId, name } = response.body as { token: string; tokenId: string; name: string };
    expect(name).toBe('terraform token');
    expect(token.startsWith(`${tokenId}.`)).toBe(true);

    const documents = await readResponse(await platform.handle(platformRequest('acme-prod', '/document/v1/documents', { token })));
    expect(documents.status).toBe(200);
    const staging = await readResponse(await platform.handle(platformRequest('acme-staging', '/document/v1/documents', { token })));
    expect(staging.status).toBe(403);

    const [row] = await database.db.select().from(platformTokens).where(eq(platformTokens.publicId, tokenId.slice(tokenId.indexOf('.') + 1)));
    expect(row).toMatchObject({ accountId: 'acme', ownerUserId: demo.actor('admin@example.com').userId, expiresAt: null });
    const audit = await database.db.select().from(auditEvents).where(eq(auditEvents.tokenId, tokenId));
    expect(audit.map((a) => a.action)).toEqual(['token.generated']);
    expect(JSON.stringify(audit)).not.toContain(token.slice(tokenId.length));
  });

  it('lists the account’s tokens with search, status and pages, never a secret', async () => {
    const made = await call(BASE, { method: 'POST', body: body({ name: 'listed one', resource: ['urn:dtaccount:acme'], expirationDate: '2099-01-01T00:00:00Z' }) });
    const { tokenId, token } = made.body as { tokenId: string; token: string };
    const found = await call(`${BASE}?searchTerm=listed%20one`);
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ pageNumber: 1, pageSize: 50, total: 1 });
    expect(found.body.results).toEqual([
      expect.objectContaining({
        tokenId,
        accountUuid: 'acme',
        name: 'listed one',
        scope: ['document:documents:read'],
        resource: ['urn:dtaccount:acme'],
        status: 'ACTIVE',
        expirationDate: '2099-01-01T00:00:00.000Z',
        userUuid: demo.actor('admin@example.com').userId,
      }),
    ]);
    expect(JSON.stringify(found.body)).not.toContain(token.slice(tokenId.length));

    const firstPage = await call(`${BASE}?size=1&page=1`);
    const secondPage = await call(`${BASE}?size=1&page=2`);
    expect((firstPage.body.results as unknown[]).length).toBe(1);
    expect((secondPage.body.results as { tokenId: string }[])[0]?.tokenId).not.toBe((firstPage.body.results as { tokenId: string }[])[0]?.tokenId);

    expect((await call(`${BASE}/${tokenId}/status`, { method: 'PUT', body: { status: 'INACTIVE' } })).status).toBe(204);
    const inactive = await call(`${BASE}?status=INACTIVE&searchTerm=listed`);
    expect((inactive.body.results as { tokenId: string; status: string }[]).map((r) => [r.tokenId, r.status])).toEqual([[tokenId, 'INACTIVE']]);
    expect((await call(`${BASE}?status=ACTIVE&searchTerm=listed`)).body.total).toBe(0);

    const bad = await call(`${BASE}?status=GONE`);
    expect(bad.status).toBe(400);
    expect(messageOf(bad)).toBe("Invalid query parameter 'status': must be ACTIVE, INACTIVE or EXPIRED");
  });

  it('refuses bad fields with a 400 naming the field, and changes nothing', async () => {
    const count = async () => (await database.db.select({ n: sql<number>`count(*)::int` }).from(platformTokens))[0]!.n;
    const before = await count();
    const cases: [Record<string, unknown>, string][] = [
      [body({ resource: ['urn:dtaccount:globex'] }), "Invalid request body field 'resource.0': names another account than acme."],
      [body({ resource: ['urn:dtenvironment:globex-prod'] }), "Invalid request body field 'resource': Choose environments of Acme Corp"],
      [body({ resource: ['acme-prod'] }), "Invalid request body field 'resource.0': must be urn:dtaccount:<accountId> or urn:dtenvironment:<environmentId>"],
      [body({ scope: ['document:documents:fly'] }), "Invalid request body field 'scope.0': is not a scope of the catalogue (GET /api/openapi.json lists them)"],
      [body({ expirationDate: '2001-01-01T00:00:00Z' }), "Invalid request body field 'expirationDate': The expiration date must be in the future"],
      [body({ expirationDate: 'tomorrow' }), "Invalid request body field 'expirationDate': must be an ISO 8601 date-time such as 2030-01-31T12:00:00Z, or null for never"],
      [body({ name: '  ' }), "Invalid request body field 'name': Enter a token name"],
      [body({ tags: ['prod'] }), "Invalid request body field 'tags': are not kept by this portal; send an empty list"],
    ];
    for (const [request, message] of cases) {
      const response = await call(BASE, { method: 'POST', body: request });
      expect([response.status, messageOf(response)], JSON.stringify(request)).toEqual([400, message]);
    }
    expect(await count()).toBe(before);
  });

  it('generates for a service user only with the right to use it, and never as another person', async () => {
    const [exporter] = await database.db.select({ id: serviceUsers.id }).from(serviceUsers).where(eq(serviceUsers.email, 'exporter@service.example.com'));
    const forService = await call(BASE, { method: 'POST', body: body({ userUuid: exporter!.id }) });
    expect(forService.status).toBe(201);

    // A token acting as another person is nobody's to hand out (rule 8).
    const alice = demo.actor('alice@example.com').userId;
    const asAlice = await call(BASE, { method: 'POST', body: body({ userUuid: alice }) });
    expect(asAlice.status).toBe(400);
    expect(messageOf(asAlice)).toBe("Invalid request body field 'userUuid': Choose a service user of Acme Corp");
  });

  it('acts only for an owner who is an admin of the account now, with a token of that account for all of it', async () => {
    const member = (await insertTestToken(database.db, { owner: 'alice@example.com', scopes: [MANAGE] })).token;
    const refused = await call(BASE, { token: member });
    expect([refused.status, messageOf(refused)]).toEqual([403, ADMIN_OWNER_MESSAGE]);

    const service = (await insertTestToken(database.db, { owner: 'ci-bot@service.example.com', scopes: [MANAGE] })).token;
    expect((await call(BASE, { token: service })).status).toBe(403);

    const someEnvironments = await insertTestToken(database.db, { owner: 'admin@example.com', scopes: [MANAGE], environmentIds: ['acme-prod'] });
    const narrow = await call(BASE, { token: someEnvironments.token });
    expect(narrow.status).toBe(403);
    expect(messageOf(narrow)).toContain('account management needs a token that applies to the whole account');

    const otherAccount = await call('/iam/v1/accounts/globex/platform-tokens');
    expect([otherAccount.status, messageOf(otherAccount)]).toEqual([403, expect.stringContaining("does not belong to account 'globex'")]);

    const noScope = (await insertTestToken(database.db, { owner: 'admin@example.com', scopes: ['document:documents:read'] })).token;
    const scopeMissing = await call(BASE, { token: noScope });
    expect([scopeMissing.status, messageOf(scopeMissing)]).toEqual([403, `Missing scope '${MANAGE}': the token was not generated with it.`]);

    const anonymous = await call(BASE, { token: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('answers a token of another account as not found, and leaves it alone', async () => {
    const globex = await insertTestToken(database.db, { accountId: 'globex', owner: 'admin@example.com' });
    for (const [path, method, request] of [
      [`${BASE}/${globex.tokenId}`, 'DELETE', undefined],
      [`${BASE}/${globex.tokenId}/status`, 'PUT', { status: 'INACTIVE' }],
      [`${BASE}/${globex.tokenId}/expiration-date`, 'PUT', { expirationDate: null }],
    ] as const) {
      const response = await call(path, { method, body: request });
      expect([response.status, messageOf(response)]).toEqual([404, `Token ${globex.tokenId} was not found. It may have been deleted.`]);
    }
    const [row] = await database.db.select({ status: platformTokens.status }).from(platformTokens).where(eq(platformTokens.id, globex.id));
    expect(row?.status).toBe('active');
  });

  it('changes the expiration date by the one expiry rule, and audits it', async () => {
    const made = await insertTestToken(database.db, { owner: 'admin@example.com' });
    const path = `${BASE}/${made.tokenId}/expiration-date`;
    expect((await call(path, { method: 'PUT', body: { expirationDate: '2098-05-01T10:00:00+02:00' } })).status).toBe(204);
    const [row] = await database.db.select({ expiresAt: platformTokens.expiresAt }).from(platformTokens).where(eq(platformTokens.id, made.id));
    expect(row?.expiresAt?.toISOString()).toBe('2098-05-01T08:00:00.000Z');
    const past = await call(path, { method: 'PUT', body: { expirationDate: '2000-01-01T00:00:00Z' } });
    expect([past.status, messageOf(past)]).toEqual([400, "Invalid request body field 'expirationDate': The expiration date must be in the future"]);
    const audit = await database.db.select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.tokenId, made.tokenId));
    expect(audit.map((a) => a.action)).toEqual(['token.expiration_changed']);
  });

  it('rotates the calling token itself, for its creator, who need not be an admin', async () => {
    const own = await insertTestToken(database.db, { owner: 'alice@example.com', scopes: ['document:documents:read'], expiresAt: new Date(Date.now() + 10 * 86_400_000) });
    const rotated = await call(`${BASE}/self:rotate`, { token: own.token, method: 'POST', body: { expireOldAfterSeconds: 3600 } });
    expect(rotated.status).toBe(201);
    const fresh = rotated.body as { name: string; tokenId: string; token: string };
    expect(fresh.name).toBe(own.name);
    const documents = await readResponse(await platform.handle(platformRequest('acme-prod', '/document/v1/documents', { token: fresh.token })));
    expect(documents.status).toBe(200);
    // The old one works for the hour asked, and cannot be rotated twice.
    const again = await call(`${BASE}/self:rotate`, { token: own.token, method: 'POST', body: {} });
    expect(again.status).toBe(409);
    const tooLong = await call(`${BASE}/self:rotate`, { token: fresh.token, method: 'POST', body: { expireOldAfterSeconds: 8 * 86_400 } });
    expect([tooLong.status, messageOf(tooLong)]).toEqual([400, "Invalid request body field 'expireOldAfterSeconds': must be a whole number of seconds from 0 to 604800"]);
  });

  it("holds the account's maximum lifetime on generating, changing an expiration and rotating itself", async () => {
    const admin = await actorByEmail(database.db, 'admin@example.com');
    await setTokenPolicy(database.db, admin, 'acme', { maxLifetimeDays: 30, disableUnusedDays: null });
    try {
      const refusal = "Invalid request body field 'expirationDate': Expiration date: the account's maximum lifetime is 30 days; choose an earlier date";
      const never = await call(BASE, { method: 'POST', body: body({ name: 'no expiry under a maximum' }) });
      expect([never.status, messageOf(never)]).toEqual([400, refusal]);
      const far = await call(BASE, { method: 'POST', body: body({ name: 'too far', expirationDate: new Date(Date.now() + 40 * 86_400_000).toISOString() }) });
      expect([far.status, messageOf(far)]).toEqual([400, refusal]);
      const within = await call(BASE, { method: 'POST', body: body({ name: 'within the maximum', resource: ['urn:dtaccount:acme'], scope: [MANAGE], expirationDate: new Date(Date.now() + 20 * 86_400_000).toISOString() }) });
      expect(within.status).toBe(201);
      const { tokenId, token } = within.body as { tokenId: string; token: string };

      const path = `${BASE}/${tokenId}/expiration-date`;
      const before = await databaseSnapshot(database.db);
      const longer = await call(path, { method: 'PUT', body: { expirationDate: new Date(Date.now() + 31 * 86_400_000).toISOString() } });
      expect([longer.status, messageOf(longer)]).toEqual([400, refusal]);
      expect(await databaseSnapshot(database.db)).toBe(before);
      expect((await call(path, { method: 'PUT', body: { expirationDate: new Date(Date.now() + 29 * 86_400_000).toISOString() } })).status).toBe(204);

      // Rotating itself keeps the lifetime it had, which the maximum allows.
      const rotated = await call(`${BASE}/self:rotate`, { token, method: 'POST', body: {} });
      expect(rotated.status).toBe(201);
      for (const id of [tokenId, (rotated.body as { tokenId: string }).tokenId]) expect((await call(`${BASE}/${id}`, { method: 'DELETE' })).status).toBe(204);

      // A token made before the maximum, without an expiry or with a longer lifetime, rotates itself
      // into the longest lifetime the maximum allows, as the Rotate dialog proposes.
      const latest = () => Date.now() + 30 * 86_400_000;
      for (const expiresAt of [null, new Date(Date.now() + 60 * 86_400_000)]) {
        const older = await insertTestToken(database.db, { owner: 'admin@example.com', scopes: [MANAGE], expiresAt, createdAt: new Date(Date.now() - 86_400_000) });
        const before = latest();
        const itself = await call(`${BASE}/self:rotate`, { token: older.token, method: 'POST', body: {} });
        expect(itself.status, String(expiresAt)).toBe(201);
        const fresh = (itself.body as { tokenId: string }).tokenId;
        const [row] = await database.db.select({ expiresAt: platformTokens.expiresAt }).from(platformTokens).where(eq(platformTokens.publicId, fresh.slice("dt0s16.".length)));
        expect(row?.expiresAt?.getTime()).toBeGreaterThan(before - 86_400_000);
        expect(row?.expiresAt?.getTime()).toBeLessThanOrEqual(latest());
        for (const id of [older.tokenId, fresh]) expect((await call(`${BASE}/${id}`, { method: 'DELETE' })).status).toBe(204);
      }
    } finally {
      await setTokenPolicy(database.db, admin, 'acme', { maxLifetimeDays: null, disableUnusedDays: null });
    }
  });

  it('holds the allow switch and the limit of 10, as the pages do', async () => {
    const admin = await actorByEmail(database.db, 'admin@example.com');
    await setTokenManagement(database.db, admin, 'acme', false);
    const denied = await call(BASE, { method: 'POST', body: body() });
    expect(denied.status).toBe(400);
    expect(messageOf(denied)).toContain('Allow to manage platform tokens');
    await setTokenManagement(database.db, admin, 'acme', true);

    // Parallel requests of one creator never get past the limit.
    const attempts = await Promise.all(
      Array.from({ length: TOKEN_LIMIT + 3 }, (_, i) => call(BASE, { method: 'POST', body: body({ name: `parallel ${i}` }) })),
    );
    const [{ n }] = (await database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(platformTokens)
      .where(and(eq(platformTokens.accountId, 'acme'), eq(platformTokens.createdById, demo.actor('admin@example.com').userId)))) as [{ n: number }];
    expect(n).toBe(TOKEN_LIMIT);
    const refusals = attempts.filter((a) => a.status !== 201);
    expect(refusals.length).toBeGreaterThan(0);
    for (const refusal of refusals) expect([refusal.status, messageOf(refusal)]).toEqual([409, expect.stringContaining(`${TOKEN_LIMIT} platform tokens`)]);
  });
});
