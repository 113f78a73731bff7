import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transactWithChanges } from '@/lib/changes';
import type { Db } from '@/lib/db';
import { platformTokens, policies } from '@/lib/db/schema';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { generateToken, hashToken } from '@/lib/tokens/format';
import { MESSAGES } from './bearer';
import { createTestPlatform, insertTestToken, platformRequest, readResponse, type TestToken } from './testing';

// Every row of the status table of PRODUCT.md §7, through the route handler as a script sees it.

const READ = 'document:documents:read';
const DOCS = '/document/v1/documents';

let database: TestDatabase;
let db: Db;
let platform: ReturnType<typeof createTestPlatform>;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  platform = createTestPlatform(db);
});
afterAll(async () => {
  platform.unsubscribe();
  await database.close();
});

async function call(environmentId: string, init: { token?: string; authorization?: string; path?: string } = {}) {
  return readResponse(await platform.handle(platformRequest(environmentId, init.path ?? DOCS, init)));
}

async function expectRefused(
  response: Awaited<ReturnType<typeof call>>,
  status: number,
  message: string | RegExp,
): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.body).toEqual({ error: { code: status, message: expect.any(String) } });
  expect((response.body.error as { message: string }).message).toMatch(message);
  if (status === 401) expect(response.headers.get('www-authenticate')).toBe('Bearer');
  else expect(response.headers.get('www-authenticate')).toBeNull();
  expect(response.headers.get('cache-control')).toBe('no-store');
}

async function setStatus(token: TestToken, status: 'active' | 'disabled') {
  await transactWithChanges(db, async (tx, publish) => {
    await tx.update(platformTokens).set({ status }).where(eq(platformTokens.id, token.id));
    publish({ kind: 'token', publicId: token.publicId });
  });
}

async function deleteToken(token: TestToken) {
  await transactWithChanges(db, async (tx, publish) => {
    await tx.delete(platformTokens).where(eq(platformTokens.id, token.id));
    publish({ kind: 'token', publicId: token.publicId });
  });
}

describe('the status table of the platform API', () => {
  it('answers 200 for a good token', async () => {
    const t = await insertTestToken(db, { scopes: [READ] });
    const r = await call('acme-prod', { token: t.token });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.body).toEqual({ documents: [], totalCount: 0 });
  });

  it('401 without a token', async () => {
    await expectRefused(await call('acme-prod'), 401, MESSAGES.missing);
  });

  it('401 for another scheme and for a malformed token', async () => {
    const t = await insertTestToken(db, { scopes: [READ] });
    await expectRefused(await call('acme-prod', { authorization: `Basic ${t.token}` }), 401, MESSAGES.notBearer);
    await expectRefused(await call('acme-prod', { authorization: 'Bearer' }), 401, MESSAGES.malformed);
    await expectRefused(await call('acme-prod', { authorization: 'Bearer abc' }), 401, MESSAGES.malformed);
    await expectRefused(await call('acme-prod', { token: t.token.toLowerCase() }), 401, MESSAGES.malformed);
    await expectRefused(await call('acme-prod', { token: t.token.slice(0, -1) }), 401, MESSAGES.malformed);
  });

  it('401 for a bad checksum, without touching the database', async () => {
    const t = await insertTestToken(db, { scopes: [READ] });
    const last = t.token.at(-1) === 'A' ? 'B' : 'A';
    const forged = `${t.token.slice(0, -1)}${last}`;
    const noDatabase = createTestPlatform(db, {
      subscribe: false,
      getDb: () => Promise.reject(new Error('the database must not be asked')),
    });
    const r = await readResponse(await noDatabase.handle(platformRequest('acme-prod', DOCS, { token: forged })));
    await expectRefused(r, 401, MESSAGES.badChecksum);
    // Also once the token itself is cached.
    expect((await call('acme-prod', { token: t.token })).status).toBe(200);
    await expectRefused(await call('acme-prod', { token: forged }), 401, MESSAGES.badChecksum);
  });

  it('401 for an unknown token', async () => {
    await expectRefused(await call('acme-prod', { token: generateToken().token }), 401, MESSAGES.invalid);
  });

  it('401 for a wrong secret', async () => {
    const t = await insertTestToken(db, { scopes: [READ] });
    await db.update(platformTokens).set({ secretHash: hashToken(generateToken().token) }).where(eq(platformTokens.id, t.id));
    await expectRefused(await call('acme-prod', { token: t.token }), 401, MESSAGES.invalid);
  });

  it('401 for a deleted token', async () => {
    const t = await insertTestToken(db, { scopes: [READ] });
    expect((await call('acme-prod', { token: t.token })).status).toBe(200);
    await deleteToken(t);
    await expectRefused(await call('acme-prod', { token: t.token }), 401, MESSAGES.invalid);
  });

  it('401 for a disabled token', async () => {
    const t = await insertTestToken(db, { scopes: [READ], status: 'disabled' });
    await expectRefused(await call('acme-prod', { token: t.token }), 401, `The token ${t.tokenId} is disabled.`);
  });

  it('403 for an expired token', async () => {
    const expiresAt = new Date(Date.now() - 1000);
    const t = await insertTestToken(db, { scopes: [READ], expiresAt });
    await expectRefused(await call('acme-prod', { token: t.token }), 403, `The token ${t.tokenId} expired at ${expiresAt.toISOString()}.`);
  });

  it('403 for an environment outside the token’s reach, another account’s, or none at all', async () => {
    const staging = await insertTestToken(db, { scopes: [READ], environmentIds: ['acme-staging'] });
    expect((await call('acme-staging', { token: staging.token })).status).toBe(200);
    await expectRefused(await call('acme-prod', { token: staging.token }), 403, `does not apply to environment 'acme-prod'`);

    const account = await insertTestToken(db, { scopes: [READ] });
    await expectRefused(await call('globex-prod', { token: account.token }), 403, `does not apply to environment 'globex-prod'`);
    // An unknown environment looks exactly like another account's.
    const unknown = await call('no-such-env', { token: account.token });
    await expectRefused(unknown, 403, `The token ${account.tokenId} does not apply to environment 'no-such-env'.`);
    await expectRefused(await call('%E0%A4%A', { token: account.token }), 403, 'does not apply to environment');
  });

  it('403 naming the scope the token lacks', async () => {
    const t = await insertTestToken(db, { scopes: ['document:documents:write'] });
    await expectRefused(await call('acme-prod', { token: t.token }), 403, `Missing scope '${READ}'`);
  });

  it('403 naming the permission the owner lacks', async () => {
    // Alice's policies grant no IAM permissions.
    const t = await insertTestToken(db, { scopes: ['iam:effective-permissions:read'] });
    const r = await call('acme-prod', { token: t.token, path: '/iam/v1/effective-permissions' });
    await expectRefused(r, 403, "The token's owner lacks the permission 'iam:effective-permissions:read' in environment 'acme-prod'");
  });

  it('403 once the owner’s policy no longer allows a granted scope, and 200 again when it does', async () => {
    const t = await insertTestToken(db, { scopes: [READ], owner: 'bob@example.com' });
    expect((await call('acme-prod', { token: t.token })).status).toBe(200);
    const [policy] = await db.select().from(policies).where(eq(policies.name, 'Developer access'));
    const original = policy!.statements;
    const changePolicy = (statements: string) =>
      transactWithChanges(db, async (tx, publish) => {
        await tx.update(policies).set({ statements, updatedAt: new Date() }).where(eq(policies.id, policy!.id));
        publish({ kind: 'account', accountId: 'acme' });
      });

    await changePolicy(`${original}\nDENY ${READ};`);
    await expectRefused(await call('acme-prod', { token: t.token }), 403, `lacks the permission '${READ}' in environment 'acme-prod' (a policy denies it)`);
    await changePolicy(original.replace(`${READ}, `, ''));
    await expectRefused(await call('acme-prod', { token: t.token }), 403, `lacks the permission '${READ}' in environment 'acme-prod' (no policy grants it)`);
    await changePolicy(original);
    expect((await call('acme-prod', { token: t.token })).status).toBe(200);
  });

  it('400 naming the field of a bad body or parameter', async () => {
    const t = await insertTestToken(db, { scopes: [READ, 'document:documents:write'] });
    const post = (body: unknown) =>
      platform.handle(platformRequest('acme-prod', DOCS, { method: 'POST', token: t.token, body }));
    await expectRefused(await readResponse(await post({ type: 'dashboard', content: {} })), 400, "Invalid request body field 'name'");
    await expectRefused(await readResponse(await post({ name: 'x', type: 'a b', content: {} })), 400, "Invalid request body field 'type'");
    await expectRefused(await readResponse(await post('{not json')), 400, 'Invalid request body: not valid JSON');
    await expectRefused(await call('acme-prod', { token: t.token, path: `${DOCS}?limit=0` }), 400, "Invalid query parameter 'limit'");
    await expectRefused(await call('acme-prod', { token: t.token, path: `${DOCS}/not-a-uuid` }), 400, "Invalid path parameter 'id'");
  });

  it('404 and 405 for paths and methods that are no endpoint', async () => {
    const r = await readResponse(await platform.handle(platformRequest('acme-prod', '/nothing/here')));
    expect(r).toMatchObject({ status: 404, body: { error: { code: 404 } } });
    const m = await readResponse(await platform.handle(platformRequest('acme-prod', DOCS, { method: 'PATCH' })));
    expect(m).toMatchObject({ status: 405, body: { error: { code: 405 } } });
    expect(m.headers.get('allow')).toBe('GET, POST');
  });
});

describe('one token used before and after disable, enable and delete', () => {
  it('works, is refused, works again, and is gone', async () => {
    const t = await insertTestToken(db, { scopes: [READ] });
    const status = async () => (await call('acme-prod', { token: t.token })).status;
    expect(await status()).toBe(200);
    expect(await status()).toBe(200);
    await setStatus(t, 'disabled');
    expect(await status()).toBe(401);
    expect(await status()).toBe(401);
    await setStatus(t, 'active');
    expect(await status()).toBe(200);
    await deleteToken(t);
    expect(await status()).toBe(401);
  });

  it('stops working on this instance at once when its account changes (bulk actions)', async () => {
    const t = await insertTestToken(db, { scopes: [READ] });
    expect((await call('acme-prod', { token: t.token })).status).toBe(200);
    await transactWithChanges(db, async (tx, publish) => {
      await tx.update(platformTokens).set({ status: 'disabled' }).where(eq(platformTokens.accountId, 'acme'));
      publish({ kind: 'account', accountId: 'acme' });
    });
    expect((await call('acme-prod', { token: t.token })).status).toBe(401);
    await db.update(platformTokens).set({ status: 'active' }).where(eq(platformTokens.accountId, 'acme'));
  });
});
