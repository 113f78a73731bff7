import { expect, test } from './fixtures';
import { SignInPage } from './pages/sign-in-page';

test.describe('security headers', () => {
  test('pages carry a nonce-based CSP without unsafe-eval, and framing is refused', async ({ page }) => {
    const response = await page.goto('/sign-in');
    const headers = response!.headers();
    const csp = headers['content-security-policy']!;
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(headers['x-powered-by']).toBeUndefined();
    // The page still works under that policy: the form is interactive.
    await page.getByLabel('Email').fill('x');
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled();
  });

  test('a prefetch carries the same CSP (and HSTS over https) as a page load', async ({ request, bobPage }) => {
    for (const [client, path] of [
      [request, '/sign-in'],
      [request, '/platform-tokens'],
      [bobPage.request, '/platform-tokens'],
      [bobPage.request, '/api-explorer'],
    ] as const) {
      for (const headers of [{ 'next-router-prefetch': '1' }, { 'next-router-prefetch': '1', rsc: '1' }, { purpose: 'prefetch' }] as Record<string, string>[]) {
        const response = await client.get(path, { headers: { ...headers, 'x-forwarded-proto': 'https' }, maxRedirects: 0 });
        const label = `${path} ${JSON.stringify(headers)}`;
        expect(response.status(), label).toBeLessThan(500);
        expect(response.headers()['content-security-policy'], label).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
        expect(response.headers()['content-security-policy'], label).toContain("frame-ancestors 'none'");
        expect(response.headers()['strict-transport-security'], label).toContain('max-age=');
      }
    }
  });

  test('a client cannot choose where sign-in sends it back to', async ({ request }) => {
    for (const headers of [{}, { 'next-router-prefetch': '1' }] as Record<string, string>[]) {
      const response = await request.get('/platform-tokens', {
        headers: { ...headers, 'x-return-to': '/\t/evil.example/x' },
        maxRedirects: 0,
      });
      expect(response.status()).toBe(307);
      const location = new URL(response.headers()['location']!, 'http://portal.test');
      expect(location.pathname).toBe('/sign-in');
      expect(location.searchParams.get('callbackUrl')).toBe('/platform-tokens');
    }
  });

  test('the session cookie is HttpOnly and SameSite=Lax, and Secure over https', async ({ playwright, baseURL }) => {
    for (const https of [false, true]) {
      const api = await playwright.request.newContext({
        baseURL,
        extraHTTPHeaders: { 'x-forwarded-for': '198.51.100.41', ...(https ? { 'x-forwarded-proto': 'https' } : {}) },
      });
      const csrf = await api.get('/api/auth/csrf');
      const { csrfToken } = (await csrf.json()) as { csrfToken: string };
      const csrfCookie = csrf.headersArray().find((h) => h.name.toLowerCase() === 'set-cookie' && h.value.includes('csrf-token='))!;
      const response = await api.post('/api/auth/callback/credentials', {
        headers: { cookie: csrfCookie.value.split(';')[0]! },
        form: { email: 'alice@example.com', password: 'demo-password', csrfToken },
        maxRedirects: 0,
      });
      expect(response.status()).toBe(302);
      const cookies = response.headersArray().filter((h) => h.name.toLowerCase() === 'set-cookie').map((h) => h.value);
      const session = cookies.find((c) => /^(__Secure-)?authjs\.session-token=/.test(c));
      expect(session, cookies.join('\n')).toBeDefined();
      expect(session).toMatch(/; HttpOnly/i);
      expect(session).toMatch(/; SameSite=Lax/i);
      expect(session).toMatch(/; Path=\/(;|$)/i);
      const device = cookies.find((c) => c.startsWith('sign-in-device='));
      expect(device, cookies.join('\n')).toBeDefined();
      expect(device).not.toContain('alice');
      for (const cookie of [session, device]) {
        expect(cookie).toMatch(/; HttpOnly/i);
        expect(cookie).toMatch(/; SameSite=Lax/i);
        if (https) expect(cookie).toMatch(/; Secure/i);
        else expect(cookie).not.toMatch(/; Secure/i);
      }
      if (https) expect(session).toMatch(/^__Secure-authjs\.session-token=/);
      await api.dispose();
    }
  });

  test('HSTS is sent over https (behind a trusted proxy)', async ({ request }) => {
    const plain = await request.get('/sign-in');
    expect(plain.headers()['strict-transport-security']).toBeUndefined();
    const https = await request.get('/sign-in', { headers: { 'x-forwarded-proto': 'https' } });
    expect(https.headers()['strict-transport-security']).toContain('max-age=');
  });
});

test.describe('health', () => {
  test('readiness and liveness answer 200 once the database is ready', async ({ request }) => {
    for (const path of ['/api/health', '/api/health/live']) {
      const response = await request.get(path);
      expect(response.status(), path).toBe(200);
      expect(await response.json(), path).toEqual({ status: 'ok' });
      expect(response.headers()['cache-control'], path).toBe('no-store');
    }
  });
});

test.describe('failed sign-ins are limited per client', () => {
  test('failing on someone’s email from one client does not lock them out from another', async ({ browser }) => {
    const attacker = await browser.newContext({ extraHTTPHeaders: { 'x-forwarded-for': '198.51.100.31' } });
    const signIn = new SignInPage(await attacker.newPage());
    await signIn.goto();
    for (let i = 0; i < 12; i++) {
      await signIn.signIn('bob@example.com', `wrong-password-${i}`);
      await expect(signIn.page.getByRole('alert').filter({ hasText: /Invalid email or password|Too many/ })).toBeVisible();
    }
    await expect(signIn.page.getByRole('alert').filter({ hasText: 'Too many failed sign-ins' })).toBeVisible();
    await attacker.close();

    const owner = await browser.newContext({ extraHTTPHeaders: { 'x-forwarded-for': '198.51.100.32' } });
    await new SignInPage(await owner.newPage()).signInAs('bob');
    await owner.close();
  });

  test('one client is blocked after many failures; others are not', async ({ browser, request }) => {
    const attacker = await browser.newContext({ extraHTTPHeaders: { 'x-forwarded-for': '198.51.100.23' } });
    const page = await attacker.newPage();
    const signIn = new SignInPage(page);
    await signIn.goto();
    for (let i = 0; i < 20; i++) {
      await signIn.signIn(`nobody-${i}@example.com`, 'wrong-password');
      await expect(page.getByRole('alert').filter({ hasText: /Invalid email or password|Too many/ })).toBeVisible();
    }
    await signIn.signIn('alice@example.com', 'demo-password');
    await expect(page.getByRole('alert').filter({ hasText: 'Too many failed sign-ins' })).toBeVisible();
    await expect(page).toHaveURL(/\/sign-in/);

    const blocked = await request.post('/api/auth/callback/credentials', {
      headers: { 'x-forwarded-for': '198.51.100.23' },
      form: { email: 'alice@example.com', password: 'demo-password' },
    });
    expect(blocked.status()).toBe(429);
    expect(Number(blocked.headers()['retry-after'])).toBeGreaterThan(0);
    await attacker.close();

    // Another client signs in as usual.
    const other = await browser.newContext({ extraHTTPHeaders: { 'x-forwarded-for': '198.51.100.24' } });
    const otherPage = await other.newPage();
    await new SignInPage(otherPage).signInAs('alice');
    await other.close();
  });
});
