import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { PlatformTokensPage } from './pages/platform-tokens-page';
import { DEMO_PASSWORD, SignInPage, USERS } from './pages/sign-in-page';

// Callback URLs that a browser, a URL parser or a header writer would take off the portal.
const HOSTILE_CALLBACKS = [
  '/%09/evil.example/x',
  '/%0a/evil.example/x',
  '/%0d%0a/evil.example/x',
  '/%5C/evil.example/x',
  '%5C%5Cevil.example/x',
  '/%5C%5Cevil.example',
  '//evil.example/x',
  '/%2F/evil.example/x',
  '%2F%2Fevil.example/x',
  '/.//evil.example/x',
  '/x/..//evil.example/x',
  'https:evil.example/x',
  'https://evil.example/x',
  '%09//evil.example/x',
  '/%00/evil.example/x',
  'javascript:alert(1)',
];
// Look-alike separators are ordinary characters of a path: these stay on the portal as they are.
const LOOK_ALIKE_CALLBACKS = ['/%E3%80%80/evil.example/x', '%EF%BC%8F%EF%BC%8Fevil.example/x', '/%252F/evil.example/x'];

/** Answers any request to the attacker's site, so that reaching it shows as a URL, not a DNS error. */
async function catchEvil(page: Page) {
  await page.context().route((url) => url.hostname.endsWith('evil.example'), (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>Evil</h1>' }));
}

test.describe('sign-in', () => {
  test('signs in and lands on My platform tokens', async ({ page }) => {
    const signIn = new SignInPage(page);
    await signIn.goto();
    await signIn.signIn(USERS.alice, DEMO_PASSWORD);
    await expect(page).toHaveURL(/\/platform-tokens$/);
    await expect(page.getByRole('heading', { name: 'My platform tokens' })).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My platform tokens' })).toBeVisible();
    await expect(page.getByTestId('signed-in-email')).toHaveText(USERS.alice);
  });

  test('a wrong password and an unknown email get the same message', async ({ page }) => {
    const signIn = new SignInPage(page);
    await signIn.goto();
    await signIn.signIn(USERS.alice, 'not-the-password');
    await expect(page.getByRole('alert').filter({ hasText: 'Invalid email or password' })).toBeVisible();
    await signIn.signIn('nobody@example.com', DEMO_PASSWORD);
    await expect(page.getByRole('alert').filter({ hasText: 'Invalid email or password' })).toBeVisible();
    await expect(page).toHaveURL(/\/sign-in/);
  });

  test('an empty password is named at its field', async ({ page }) => {
    const signIn = new SignInPage(page);
    await signIn.goto();
    await signIn.signIn(USERS.alice, '');
    await expect(page.getByText('Enter your password')).toBeVisible();
    await expect(page.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');
  });

  test('a signed-out visit goes to sign-in and comes back afterwards', async ({ page }) => {
    await page.goto('/platform-tokens?from=test');
    await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fplatform-tokens%3Ffrom%3Dtest/);
    await new SignInPage(page).signIn(USERS.bob, DEMO_PASSWORD);
    await expect(page).toHaveURL(/\/platform-tokens\?from=test$/);
  });

  test('sign-in refuses to send the browser to another site', async ({ page }) => {
    await page.goto('/sign-in?callbackUrl=//evil.example.com/');
    await new SignInPage(page).signIn(USERS.bob, DEMO_PASSWORD);
    await expect(page).toHaveURL(/127\.0\.0\.1:\d+\/platform-tokens$/);
  });

  test('a fresh sign-in with a hostile callbackUrl stays on the portal', async ({ page, baseURL }) => {
    await catchEvil(page);
    for (const callback of ['/%09/evil.example/x', '/%5C/evil.example/x', '/%0a/evil.example/x', 'https:evil.example/x']) {
      await page.context().clearCookies();
      const response = await page.goto(`/sign-in?callbackUrl=${callback}`);
      expect(response!.status(), callback).toBe(200);
      await new SignInPage(page).signIn(USERS.bob, DEMO_PASSWORD);
      await expect(page, callback).toHaveURL(`${baseURL}/platform-tokens`);
      await expect(page.getByRole('heading', { name: 'My platform tokens' })).toBeVisible();
    }
  });

  test('a signed-in visit to sign-in with a hostile callbackUrl stays on the portal, without a 500', async ({ bobPage, baseURL }) => {
    for (const callback of HOSTILE_CALLBACKS) {
      const response = await bobPage.request.get(`/sign-in?callbackUrl=${callback}`, { maxRedirects: 0 });
      expect(response.status(), callback).toBeGreaterThanOrEqual(300);
      expect(response.status(), callback).toBeLessThan(400);
      const location = new URL(response.headers()['location']!, `${baseURL}/sign-in`);
      expect(location.origin, callback).toBe(baseURL);
      expect(location.pathname, callback).toBe('/platform-tokens');
    }
    for (const callback of LOOK_ALIKE_CALLBACKS) {
      const response = await bobPage.request.get(`/sign-in?callbackUrl=${callback}`, { maxRedirects: 0 });
      expect(response.status(), callback).toBe(307);
      const location = new URL(response.headers()['location']!, `${baseURL}/sign-in`);
      expect(location.origin, callback).toBe(baseURL);
      expect(location.pathname, callback).toMatch(/^\/(?![\\/])/);
    }
    await catchEvil(bobPage);
    await bobPage.goto('/sign-in?callbackUrl=/%09/evil.example/x');
    await expect(bobPage).toHaveURL(`${baseURL}/platform-tokens`);
    await expect(bobPage.getByRole('heading', { name: 'My platform tokens' })).toBeVisible();
  });

  test('a signed-in visit to sign-in with a callback on the portal goes there', async ({ bobPage, baseURL }) => {
    await bobPage.goto('/sign-in?callbackUrl=%2Fapi-explorer%3Fx%3D1');
    await expect(bobPage).toHaveURL(`${baseURL}/api-explorer?x=1`);
  });

  test('after a password was set but its sign-in refused, the page says so and signing in goes on to where it led', async ({ page }) => {
    const signIn = new SignInPage(page);
    await signIn.goto(`/sign-in?notice=password-set&callbackUrl=${encodeURIComponent('/platform-tokens/new')}`);
    await expect(page.getByRole('status').filter({ hasText: 'Your password is set. Sign in with it.' })).toBeVisible();
    await signIn.signIn(USERS.alice, DEMO_PASSWORD);
    await expect(page).toHaveURL(/\/platform-tokens\/new$/);
    // Only the page's own texts: whatever else the URL says is not shown.
    await page.context().clearCookies();
    await signIn.goto('/sign-in?notice=Your%20account%20is%20locked%3A%20call%20us');
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await expect(page.getByText('Your account is locked')).toHaveCount(0);
    await expect(page.getByText('Your password is set')).toHaveCount(0);
  });

  test('signs out', async ({ page }) => {
    await new SignInPage(page).signInAs('bob');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await page.goto('/platform-tokens');
    await expect(page).toHaveURL(/\/sign-in/);
  });
});

test.describe('sessions', () => {
  test('after Sign out, a saved copy of the session cookie loads no page and runs no action', async ({ browser, baseURL }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await new SignInPage(page).signInAs('bob');
    const tokens = new PlatformTokensPage(page);
    const name = `Outlives sign-out ${Date.now()}`;
    const { tokenId } = await tokens.generate({ name, scopes: ['document:documents:read'] });
    const saved = await context.storageState();

    // A second window holding the same cookie keeps the page open across the sign-out.
    const copy = await browser.newContext({ storageState: saved });
    const copyTokens = new PlatformTokensPage(await copy.newPage());
    await copyTokens.goto();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/sign-in/);

    await copyTokens.openActions(name);
    await copyTokens.page.getByRole('menuitem', { name: 'Disable' }).click();
    const dialog = copyTokens.page.getByRole('alertdialog');
    await dialog.getByRole('button', { name: 'Disable' }).click();
    await expect(dialog.getByRole('alert')).toHaveText('You are signed out. Sign in again to continue.');
    await copy.close();

    const later = await browser.newContext({ storageState: saved });
    const laterPage = await later.newPage();
    await laterPage.goto('/platform-tokens');
    await expect(laterPage).toHaveURL(`${baseURL}/sign-in?callbackUrl=%2Fplatform-tokens`);
    await expect(laterPage.getByRole('button', { name: 'Sign in' })).toBeVisible();
    await later.close();

    // Nothing was changed by the refused action.
    await new SignInPage(page).signInAs('bob');
    await expect(tokens.row(tokenId)).toContainText('Active');
    await tokens.delete(name, tokenId);
    await context.close();
  });
});

test.describe('navigation', () => {
  test('members do not see the admin entry; admins do', async ({ alicePage, adminPage }) => {
    await alicePage.goto('/platform-tokens');
    const aliceNav = alicePage.getByRole('navigation', { name: 'Main' });
    await expect(aliceNav.getByRole('link', { name: 'My platform tokens' })).toBeVisible();
    await expect(aliceNav.getByRole('link', { name: /Identity & access management/ })).toHaveCount(0);

    await adminPage.goto('/platform-tokens');
    const adminNav = adminPage.getByRole('navigation', { name: 'Main' });
    await expect(adminNav.getByRole('link', { name: /Identity & access management/ }).first()).toBeVisible();
    await expect(adminPage.getByTestId('signed-in-email')).toHaveText(USERS.admin);
  });
});
