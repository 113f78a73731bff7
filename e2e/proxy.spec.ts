import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { PlatformTokensPage } from './pages/platform-tokens-page';
import { SignInPage } from './pages/sign-in-page';
import { captureAction, sendAction, startPortal, startReverseProxy, type RunningPortal } from './proxy-helpers';

// Server actions keep Next.js's origin check (a POST runs only when its Origin's host is the
// request's Host or X-Forwarded-Host, or a configured one) and work behind a reverse proxy.

const unique = (label: string) => `${label} ${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const REFUSED = 500; // what Next.js answers to a fetch action it refuses as cross-site

/** Picks Disable or Enable in the token's Actions menu and confirms it. */
async function confirmFromMenu(page: Page, name: string, action: 'Disable' | 'Enable') {
  await new PlatformTokensPage(page).openActions(name);
  await page.getByRole('menuitem', { name: action }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: action }).click();
}

test.describe('server actions and the origin check', () => {
  test('an action posted from another origin is refused and changes nothing; from the page’s origin it runs', async ({
    alicePage: page,
    baseURL,
  }) => {
    const tokens = new PlatformTokensPage(page);
    const name = unique('Origin check');
    const { tokenId } = await tokens.generate({ name, scopes: ['storage:logs:read'] });
    try {
      const disable = await captureAction(page, () => confirmFromMenu(page, name, 'Disable'));
      const own = new URL(baseURL!);
      const port = Number(own.port);

      // A page elsewhere posting with alice's cookies: Origin and Host differ.
      const crossSite = await sendAction(port, disable, page.context(), { host: own.host, origin: 'https://evil.example.test' });
      expect(crossSite.status).toBe(REFUSED);
      // A proxy in front that rewrites the Host: nothing is allowed besides the request's own host by default.
      const unconfigured = await sendAction(port, disable, page.context(), {
        host: 'app.internal:3000',
        origin: 'https://portal.example.test',
      });
      expect(unconfigured.status).toBe(REFUSED);
      // X-Forwarded-Host names the host the browser used; another origin is still refused.
      const forwardedElsewhere = await sendAction(port, disable, page.context(), {
        host: 'app.internal:3000',
        'x-forwarded-host': 'portal.example.test',
        origin: 'https://evil.example.test',
      });
      expect(forwardedElsewhere.status).toBe(REFUSED);
      await tokens.goto();
      await expect(tokens.row(tokenId)).toContainText('Active');

      // The very same request from the page's own origin runs: the refusals were the origin check.
      const sameOrigin = await sendAction(port, disable, page.context(), { host: own.host, origin: own.origin });
      expect(sameOrigin.status).toBe(200);
      await tokens.goto();
      await expect(tokens.row(tokenId)).toContainText('Disabled');
    } finally {
      await tokens.goto();
      await tokens.delete(name, tokenId);
    }
  });
});

test.describe('behind a reverse proxy that rewrites the Host', () => {
  test.describe.configure({ mode: 'serial', timeout: 180_000 });

  const publicHost = 'portal.example.test';
  let portal: RunningPortal;
  let proxy: Awaited<ReturnType<typeof startReverseProxy>>;
  let internalHost: string;

  test.beforeAll(async () => {
    portal = await startPortal({
      TRUST_PROXY: 'true',
      AUTH_URL: `http://${publicHost}`,
      ALLOWED_ORIGINS: '*.tenants.example.test',
    });
    internalHost = `app.internal:${portal.port}`;
    proxy = await startReverseProxy(publicHost, { port: portal.port, internalHost });
  });

  test.afterAll(async () => {
    await proxy?.stop();
    await portal?.stop();
  });

  test('signs in, generates, disables and enables a token through the proxy; forged origins are still refused', async ({ browser }) => {
    const context = await browser.newContext({
      baseURL: `http://${publicHost}`,
      proxy: { server: `http://127.0.0.1:${proxy.port}` },
    });
    const page = await context.newPage();
    try {
      // Sign-in is a server action whose Origin is the public host while the portal sees another
      // Host; AUTH_URL allows that origin and makes next-auth send the browser back to the public host.
      await page.goto('/platform-tokens');
      await expect(page).toHaveURL(new RegExp(`^http://${publicHost}/sign-in`));
      await new SignInPage(page).signIn('alice@example.com', 'demo-password');
      await expect(page.getByRole('heading', { name: 'My platform tokens' })).toBeVisible();
      await expect(page).toHaveURL(`http://${publicHost}/platform-tokens`);

      const tokens = new PlatformTokensPage(page);
      const name = unique('Behind proxy');
      const { tokenId } = await tokens.generate({ name, scopes: ['storage:logs:read'] });
      await tokens.act(name, tokenId, 'Disable');
      await expect(tokens.row(tokenId)).toContainText('Disabled');

      // The same Enable action sent as proxies would pass it on, straight to the portal.
      const enable = await captureAction(page, () => confirmFromMenu(page, name, 'Enable'));
      const forged = [
        { host: internalHost, origin: 'https://evil.example.test' },
        { host: internalHost, 'x-forwarded-host': publicHost, origin: 'https://evil.example.test' },
        // The wildcard stands for one label: neither the parent domain nor two levels below match.
        { host: internalHost, origin: 'https://tenants.example.test' },
        { host: internalHost, origin: 'https://a.b.tenants.example.test' },
      ];
      for (const headers of forged) {
        expect((await sendAction(portal.port, enable, context, headers)).status, JSON.stringify(headers)).toBe(REFUSED);
      }
      expect(portal.log()).toContain('does not match `origin` header with value `evil.example.test`');
      await tokens.goto();
      await expect(tokens.row(tokenId)).toContainText('Disabled');

      // A proxy that sends X-Forwarded-Host needs no setting; one that does not needs its host listed.
      const viaForwardedHost = await sendAction(portal.port, enable, context, {
        host: internalHost,
        'x-forwarded-host': publicHost,
        'x-forwarded-proto': 'https',
        origin: `https://${publicHost}`,
      });
      expect(viaForwardedHost.status).toBe(200);
      await tokens.goto();
      await expect(tokens.row(tokenId)).toContainText('Active');

      const disable = await captureAction(page, () => confirmFromMenu(page, name, 'Disable'));
      const listedTenant = await sendAction(portal.port, disable, context, { host: internalHost, origin: 'https://eu.tenants.example.test' });
      expect(listedTenant.status).toBe(200);
      await tokens.goto();
      await expect(tokens.row(tokenId)).toContainText('Disabled');
    } finally {
      await context.close();
    }
  });
});
