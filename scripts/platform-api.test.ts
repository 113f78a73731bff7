import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { ReadCache } from '@/lib/platform/read-cache';
import { createTestPlatform, insertTestToken } from '@/lib/platform/testing';
import { registerPlatformHandler, unregisterPlatformHandler } from '@/lib/platform/registration.mjs';
import { dropClientForwarding, platformApiFor, servePlatformApi } from './platform-api.mjs';

// The HTTP server answers /e/{env}/platform/... itself with the handler the app offers
// (instrumentation.ts): the request and answer must be what the Next.js route would give and get.


let server: http.Server;
let base: string;
let fallbacks: string[];
let trustProxy = false;

beforeAll(async () => {
  // As scripts/server.mjs does.
  server = http.createServer((req, res) => {
    if (!trustProxy) dropClientForwarding(req);
    const api = platformApiFor(req);
    if (api) return servePlatformApi(api, req, res);
    fallbacks.push(`${req.method} ${req.url}`);
    res.statusCode = 299;
    res.end('routed by Next.js');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => {
  unregisterPlatformHandler();
  fallbacks = [];
  trustProxy = false;
});
fallbacks = [];

/** A raw request, so that HEAD, chunked bodies and exact headers are what the test says. */
function send(method: string, path: string, options: { headers?: http.OutgoingHttpHeaders; body?: Buffer | string; chunks?: Buffer[] } = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method, headers: options.headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }));
    });
    req.on('error', reject);
    if (options.chunks) for (const chunk of options.chunks) req.write(chunk);
    req.end(options.body);
  });
}

describe('which requests the server answers itself', () => {
  it('only platform paths, with the methods the route exports, once the app has offered its handler', async () => {
    expect((await send('GET', '/e/acme-prod/platform/document/v1/documents')).status).toBe(299);
    registerPlatformHandler(async () => Response.json({ ok: true }));
    expect((await send('GET', '/e/acme-prod/platform/document/v1/documents')).status).toBe(200);
    expect((await send('DELETE', '/e/acme-prod/platform/x')).status).toBe(200);
    // The account management API, at the root.
    expect((await send('PUT', '/iam/v1/accounts/acme/platform-tokens/x/status')).status).toBe(200);
    // By host or at the root (lib/platform/addressing.mjs): the handler tells which environment.
    expect((await send('GET', '/platform/document/v1/documents', { headers: { Host: 'acme-prod.apps.example.com' } })).status).toBe(200);
    expect((await send('POST', '/platform/storage/query/v1/query:execute')).status).toBe(200);
    for (const [method, path] of [
      ['GET', '/iam/v1/other'],
      ['GET', '/accounts/acme/iam/platform-tokens'],
      ['OPTIONS', '/e/acme-prod/platform/document/v1/documents'],
      ['GET', '/api/health'],
      ['GET', '/e/acme-prod/other'],
      ['GET', '/e/acme-prod/platform'],
      ['GET', '/platform-tokens?next=/e/acme-prod/platform/x'],
      ['GET', '/platform'],
      ['GET', '/platformx/y'],
    ] as const) {
      expect((await send(method, path)).status).toBe(299);
    }
    expect(fallbacks).toHaveLength(10);
  });

  it('gives the handler the method, URL, headers, body and client address', async () => {
    registerPlatformHandler(async (request) =>
      Response.json({
        method: request.method,
        url: request.url,
        authorization: request.headers.get('authorization'),
        forwardedFor: request.headers.get('x-forwarded-for'),
        body: request.body ? await new Response(request.body).text() : null,
      }));
    const put = await send('PUT', '/e/acme-prod/platform/state/v1/apps/a/app-states/k?x=1&x=2', {
      headers: { Authorization: 'Bearer abc', 'Content-Type': 'application/json' },
      body: '{"value":"é"}',
    });
    expect(JSON.parse(put.body)).toEqual({
      method: 'PUT',
      url: 'http://localhost/e/acme-prod/platform/state/v1/apps/a/app-states/k?x=1&x=2',
      authorization: 'Bearer abc',
      forwardedFor: '127.0.0.1',
      body: '{"value":"é"}',
    });
    // A GET is given without a body, from the same headers.
    const get = await send('GET', '/e/acme-prod/platform/state/v1/apps/a/app-states/k?q=%20', { headers: { AUTHORIZATION: 'Bearer xyz', Connection: 'keep-alive' } });
    expect(JSON.parse(get.body)).toEqual({
      method: 'GET',
      url: 'http://localhost/e/acme-prod/platform/state/v1/apps/a/app-states/k?q=%20',
      authorization: 'Bearer xyz',
      forwardedFor: '127.0.0.1',
      body: null,
    });
    // A client cannot claim another address (in any spelling of the header)…
    const spoofed = await send('GET', '/e/acme-prod/platform/x', { headers: { 'x-FORWARDED-for': '198.51.100.7', 'X-Real-IP': '198.51.100.8' } });
    expect(JSON.parse(spoofed.body)).toMatchObject({ forwardedFor: '127.0.0.1' });
    // …but a trusted proxy's header is kept (TRUST_PROXY=true).
    trustProxy = true;
    const proxied = await send('GET', '/e/acme-prod/platform/x', { headers: { 'X-Forwarded-For': '203.0.113.5, 10.0.0.1' } });
    expect(JSON.parse(proxied.body)).toMatchObject({ forwardedFor: '203.0.113.5, 10.0.0.1', body: null });
  });

  it('answers 500 without the details when the handler itself fails, and keeps serving', async () => {
    registerPlatformHandler(async () => {
      throw new Error('boom');
    });
    const failed = await send('GET', '/e/acme-prod/platform/x');
    expect(failed.status).toBe(500);
    expect(failed.body).not.toContain('boom');
    expect(failed.headers).toMatchObject({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    registerPlatformHandler(async () => Response.json({ ok: true }));
    expect((await send('GET', '/e/acme-prod/platform/x')).status).toBe(200);
  });

  it('answers 500 when the body of a Response the handler gave cannot be read', async () => {
    const broken = () => new Response(new ReadableStream({ start: (controller) => controller.error(new Error('broken stream')) }));
    registerPlatformHandler(broken);
    const atOnce = await send('GET', '/e/acme-prod/platform/x');
    expect(atOnce.status).toBe(500);
    expect(atOnce.body).not.toContain('broken');
    registerPlatformHandler(async () => broken());
    expect((await send('GET', '/e/acme-prod/platform/x')).status).toBe(500);
    registerPlatformHandler(() => Response.json({ ok: true }));
    expect(await send('GET', '/e/acme-prod/platform/x')).toMatchObject({ status: 200, body: '{"ok":true}' });
  });

  it('sends an answer the handler gives at once, and answers 500 when it throws rather than rejects', async () => {
    registerPlatformHandler(() => ({ status: 200, headers: { 'Content-Type': 'text/plain' }, body: 'at once' }));
    expect(await send('GET', '/e/acme-prod/platform/x')).toMatchObject({ status: 200, body: 'at once' });
    registerPlatformHandler(() => {
      throw new Error('boom');
    });
    const failed = await send('GET', '/e/acme-prod/platform/x');
    expect(failed.status).toBe(500);
    expect(JSON.parse(failed.body)).toEqual({ error: { code: 500, message: 'Internal error. The request was not completed; try again later.' } });
    const withBody = await send('POST', '/e/acme-prod/platform/x', { body: '{}' });
    expect(withBody.status).toBe(500);
  });

  it('drops the unread body of a handler that throws, so the connection goes on', async () => {
    registerPlatformHandler((request) => {
      if (request.method === 'POST') throw new Error('boom');
      return { status: 200, headers: {}, body: 'next' };
    });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const call = (method: string, body?: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(`${base}/e/acme-prod/platform/x`, { method, agent }, (res) => {
          const parts: Buffer[] = [];
          res.on('data', (part: Buffer) => parts.push(part));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }));
        });
        req.on('error', reject);
        req.end(body);
      });
    expect((await call('POST', 'x'.repeat(500_000))).status).toBe(500);
    expect(await call('GET')).toEqual({ status: 200, body: 'next' });
    agent.destroy();
  });

  it("sends each header once: an answer's own value of a common header replaces it, and the length is the body's", async () => {
    registerPlatformHandler(async () => ({
      status: 200,
      headers: { 'Content-Type': 'text/plain', 'content-security-policy': "sandbox; default-src 'none'", 'Content-Length': '999', 'X-Extra': 'yes' },
      body: 'héllo',
    }));
    const answer = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http.get(`${base}/e/acme-prod/platform/x`, resolve).on('error', reject);
    });
    answer.resume();
    const names = answer.rawHeaders.filter((_, at) => at % 2 === 0).map((name) => name.toLowerCase());
    expect(names.filter((name, at) => names.indexOf(name) !== at)).toEqual([]);
    expect(answer.headers).toMatchObject({
      'content-security-policy': "sandbox; default-src 'none'",
      'content-length': String(Buffer.byteLength('héllo')),
      'x-content-type-options': 'nosniff',
      'x-extra': 'yes',
    });
  });

  it('merges the headers shared by many answers once, and gives each answer its own length', async () => {
    const shared = Object.freeze({ 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' });
    let calls = 0;
    registerPlatformHandler(() => (++calls === 2 ? { status: 201, headers: { 'X-Other': 'yes' }, body: '' } : { status: 200, headers: shared, body: 'x'.repeat(calls) }));
    const first = await send('GET', '/e/acme-prod/platform/x');
    const other = await send('GET', '/e/acme-prod/platform/x');
    const third = await send('GET', '/e/acme-prod/platform/x');
    expect(first).toMatchObject({ status: 200, body: 'x', headers: { 'content-length': '1', 'content-type': 'text/plain', 'cache-control': 'no-store' } });
    expect(other).toMatchObject({ status: 201, headers: { 'content-length': '0', 'x-other': 'yes' } });
    expect(other.headers['content-type']).toBeUndefined();
    expect(third).toMatchObject({ status: 200, body: 'xxx', headers: { 'content-length': '3', 'content-type': 'text/plain' } });
    expect(third.headers['x-other']).toBeUndefined();
    for (const answer of [first, other, third]) expect(answer.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
  });
});

describe('the platform API through the server', () => {
  let database: TestDatabase;
  let token: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    ({ token } = await insertTestToken(database.db, {
      scopes: ['state:app-states:read', 'state:app-states:write'],
      environmentIds: ['acme-prod'],
    }));
  });
  afterAll(() => database.close());

  const path = '/e/acme-prod/platform/state/v1/apps/my.app/app-states/theme';

  it('answers as the route does, with the security headers of every response', async () => {
    const platform = createTestPlatform(database.db, { readCache: new ReadCache() });
    registerPlatformHandler(platform.answer);
    const auth = { Authorization: `Bearer ${token}` };
    const missing = await send('GET', path, { headers: auth });
    expect(missing.status).toBe(404);
    const put = await send('PUT', path, { headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ value: { dark: true } }) });
    expect(put.status).toBe(200);
    const read = await send('GET', path, { headers: auth });
    expect(read.status).toBe(200);
    expect(JSON.parse(read.body)).toMatchObject({ appId: 'my.app', key: 'theme', value: { dark: true } });
    expect(read.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'strict-origin-when-cross-origin',
      'content-length': String(Buffer.byteLength(read.body)),
    });
    const unauthenticated = await send('GET', path);
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers['www-authenticate']).toBe('Bearer');
    platform.unsubscribe();
  });

  it('HEAD gets the status and headers of GET without a body', async () => {
    const platform = createTestPlatform(database.db);
    registerPlatformHandler(platform.answer);
    const head = await send('HEAD', path, { headers: { Authorization: `Bearer ${token}` } });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
    platform.unsubscribe();
  });

  it('a body left unread (the token was refused) does not stall the connection', async () => {
    const platform = createTestPlatform(database.db);
    registerPlatformHandler(platform.answer);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const call = (method: string, headers: http.OutgoingHttpHeaders, body?: string) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request(`${base}${path}`, { method, headers, agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end(body);
      });
    const big = JSON.stringify({ value: 'x'.repeat(200_000) });
    expect(await call('PUT', { Authorization: 'Bearer nope', 'Content-Type': 'application/json' }, big)).toBe(401);
    expect(await call('GET', { Authorization: `Bearer ${token}` })).toBe(200);
    agent.destroy();
    platform.unsubscribe();
  });

  it('refuses a streamed body over the limit with 413, and bad JSON with 400', async () => {
    const platform = createTestPlatform(database.db);
    registerPlatformHandler(platform.answer);
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const chunk = Buffer.alloc(256 * 1024, 'a');
    const huge = await send('PUT', path, { headers, chunks: [chunk, chunk, chunk, chunk, chunk] });
    expect(huge.status).toBe(413);
    const bad = await send('PUT', path, { headers, body: '{"value":' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.message).toContain('not valid JSON');
    platform.unsubscribe();
  });
});
