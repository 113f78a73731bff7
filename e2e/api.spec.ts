import { FAILED_VERIFICATIONS_PER_MINUTE } from '../lib/platform/failed-verifications';
import { generateToken, tokenAction } from './api-token-helpers';
import { expect, test } from './fixtures';

// The platform API against the running server: a token works at once, and disabling, enabling
// and deleting it in the portal takes effect on the very next call.

test.describe('platform API', () => {
  test('a token generated in the portal works, and stops and starts with the portal’s actions', async ({ alicePage: page, playwright, baseURL }) => {
    const name = `API e2e ${Date.now()}`;
    const token = await generateToken(page, name, 'Globex', ['document:documents:read', 'document:documents:write']);
    const api = await playwright.request.newContext({ baseURL });
    const documents = '/e/globex-prod/platform/document/v1/documents';
    const list = () => api.get(documents, { headers: { Authorization: `Bearer ${token}` } });
    try {
      const created = await api.post(documents, {
        headers: { Authorization: `Bearer ${token}` },
        data: { name: 'Synced dashboard', type: 'dashboard', content: { tiles: [] } },
      });
      expect(created.status()).toBe(201);
      const listed = await list();
      expect(listed.status()).toBe(200);
      expect(listed.headers()['cache-control']).toBe('no-store');
      // Answered by the HTTP server itself (scripts/platform-api.mjs), with every response's headers.
      expect(listed.headers()['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(listed.headers()['x-content-type-options']).toBe('nosniff');
      expect(listed.headers()['x-frame-options']).toBe('DENY');
      expect((await listed.json()).documents.map((d: { name: string }) => d.name)).toContain('Synced dashboard');

      const unauthenticated = await api.get(documents);
      expect(unauthenticated.status()).toBe(401);
      expect(unauthenticated.headers()['www-authenticate']).toBe('Bearer');
      const elsewhere = await api.get('/e/acme-prod/platform/document/v1/documents', { headers: { Authorization: `Bearer ${token}` } });
      expect(elsewhere.status()).toBe(403);

      await tokenAction(page, name, 'Disable');
      const disabled = await list();
      expect(disabled.status()).toBe(401);
      expect((await disabled.json()).error.message).toContain('is disabled');

      await tokenAction(page, name, 'Enable');
      expect((await list()).status()).toBe(200);
    } finally {
      await tokenAction(page, name, 'Delete');
    }
    expect((await list()).status()).toBe(401);
    await api.dispose();
  });

  test('a client that keeps failing authentication gets 429 with Retry-After; others do not', async ({ playwright, baseURL }) => {
    // The e2e server trusts X-Forwarded-For, as behind a reverse proxy: each context is one client.
    const client = (address: string) => playwright.request.newContext({ baseURL, extraHTTPHeaders: { 'x-forwarded-for': address } });
    const attacker = await client('203.0.113.91');
    const bystander = await client('203.0.113.92');
    const documents = '/e/acme-prod/platform/document/v1/documents';
    const guess = (api: typeof attacker) =>
      api.get(documents, { headers: { Authorization: `Bearer dt0s16.${'A'.repeat(24)}.${'B'.repeat(64)}` } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < FAILED_VERIFICATIONS_PER_MINUTE; i++) statuses.push((await guess(attacker)).status());
      expect(statuses.slice(0, -1).every((s) => s === 401)).toBe(true);
      expect(statuses.at(-1)).toBe(429);
      const blocked = await guess(attacker);
      expect(blocked.status()).toBe(429);
      expect(Number(blocked.headers()['retry-after'])).toBeGreaterThan(0);
      expect((await blocked.json()).error.message).toMatch(/Too many failed authentications/);
      expect((await guess(bystander)).status()).toBe(401);
    } finally {
      await attacker.dispose();
      await bystander.dispose();
    }
  });

  test('serves the OpenAPI document of every endpoint with its scopes', async ({ request }) => {
    const response = await request.get('/api/openapi.json');
    expect(response.status()).toBe(200);
    const doc = await response.json();
    expect(doc.openapi).toBe('3.1.0');
    const list = doc.paths['/e/{env}/platform/document/v1/documents'].get;
    expect(list['x-required-scopes']).toEqual(['document:documents:read']);
    expect(list.security).toEqual([{ bearer: ['document:documents:read'] }]);
  });
});
