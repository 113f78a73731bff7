// The account management API (PRODUCT.md §12) driven as a Terraform provider drives it: plain
// fetch against a real HTTP listener, the server's own fast path in front of the contract-checked
// platform handler, starting from one admin's token and nothing else.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { registerPlatformHandler, unregisterPlatformHandler } from '@/lib/platform/registration.mjs';
import { createTestPlatform, insertTestToken } from '@/lib/platform/testing';
import { platformApiFor, servePlatformApi } from './platform-api.mjs';

describe(`the account management API over HTTP, as a Terraform provider uses it (${testBackend})`, () => {
  let database: TestDatabase;
  let platform: ReturnType<typeof createTestPlatform>;
  let server: http.Server;
  let base: string;
  let providerToken: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    platform = createTestPlatform(database.db);
    registerPlatformHandler(platform.handle);
    server = http.createServer((req, res) => {
      const api = platformApiFor(req);
      if (api) return servePlatformApi(api, req, res);
      res.statusCode = 404;
      res.end();
    });
    // Port 0: the system picks a free one.
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // What an admin generated on the portal for the provider: the whole account, token management.
    providerToken = (await insertTestToken(database.db, { owner: 'admin@example.com', scopes: ['platform-token:tokens:manage'] })).token;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    unregisterPlatformHandler();
    platform.unsubscribe();
    await database.close();
  });

  async function api(method: string, path: string, token: string, body?: unknown) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null, text };
  }
  const tokens = '/iam/v1/accounts/acme/platform-tokens';
  type Listed = { tokenId: string; status: string; expirationDate: string | null; name: string };
  const listed = async (name: string): Promise<Listed[]> => {
    const page = await api('GET', `${tokens}?searchTerm=${encodeURIComponent(name)}&page=1&size=100`, providerToken);
    expect(page.status).toBe(200);
    return (page.body!.results as Listed[]).filter((r) => r.name === name);
  };
  const documents = async (token: string) => (await api('GET', '/e/acme-prod/platform/document/v1/documents', token)).status;

  it('create → list → disable → enable → change expiry → self-rotate → delete', async () => {
    const logged: string[] = [];
    const capture = (...args: unknown[]) => void logged.push(args.map(String).join(' '));
    const spies = [vi.spyOn(console, 'log').mockImplementation(capture), vi.spyOn(console, 'error').mockImplementation(capture), vi.spyOn(console, 'warn').mockImplementation(capture)];
    try {
      // Create: the secret comes back once.
      const created = await api('POST', tokens, providerToken, {
        name: 'ci pipeline',
        scope: ['document:documents:read'],
        resource: ['urn:dtaccount:acme'],
        tags: [],
        expirationDate: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      });
      expect(created.status).toBe(201);
      const { tokenId, token } = created.body as { tokenId: string; token: string };
      expect(await documents(token)).toBe(200);

      // List: it is there, active, and no answer carries its secret.
      const [row] = await listed('ci pipeline');
      expect(row).toMatchObject({ tokenId, status: 'ACTIVE' });

      // Disable: it stops working at once.
      expect((await api('PUT', `${tokens}/${tokenId}/status`, providerToken, { status: 'INACTIVE' })).status).toBe(204);
      expect(await documents(token)).toBe(401);
      expect((await listed('ci pipeline'))[0]?.status).toBe('INACTIVE');

      // Enable: it works again.
      expect((await api('PUT', `${tokens}/${tokenId}/status`, providerToken, { status: 'ACTIVE' })).status).toBe(204);
      expect(await documents(token)).toBe(200);

      // Change expiry.
      const later = '2099-06-30T12:00:00.000Z';
      expect((await api('PUT', `${tokens}/${tokenId}/expiration-date`, providerToken, { expirationDate: later })).status).toBe(204);
      expect((await listed('ci pipeline'))[0]?.expirationDate).toBe(later);

      // Self-rotate: the token replaces itself; the old one stops, the new one works.
      const rotated = await api('POST', `${tokens}/self:rotate`, token, {});
      expect(rotated.status).toBe(201);
      const fresh = rotated.body as { tokenId: string; token: string; name: string };
      expect(fresh.name).toBe('ci pipeline');
      expect(fresh.tokenId).not.toBe(tokenId);
      expect(await documents(token)).toBe(403);
      expect(await documents(fresh.token)).toBe(200);

      // Delete: the new token is gone.
      expect((await api('DELETE', `${tokens}/${fresh.tokenId}`, providerToken)).status).toBe(204);
      expect(await documents(fresh.token)).toBe(401);
      expect((await listed('ci pipeline')).map((r) => r.tokenId)).toEqual([tokenId]);

      // Neither secret appeared anywhere but in its own 201.
      const secrets = [token, fresh.token].map((t) => t.slice(t.lastIndexOf('.') + 1));
      const everything = [JSON.stringify(await listed('ci pipeline')), ...logged].join('\n');
      for (const secret of secrets) expect(everything).not.toContain(secret);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it('answers a refusal in the platform API’s error format', async () => {
    const refused = await api('POST', tokens, providerToken, { name: 'x', scope: [], resource: ['urn:dtaccount:acme'] });
    expect(refused).toMatchObject({ status: 400, body: { error: { code: 400, message: "Invalid request body field 'scope': choose at least one scope" } } });
    const unknown = await api('GET', '/iam/v1/accounts/acme/nothing-here', providerToken);
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 404 } } });
  });
});
