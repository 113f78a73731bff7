import type { Page } from '@playwright/test';
import { generateToken, tokenAction } from './api-token-helpers';
import { expect, test } from './fixtures';

// The API explorer: the catalogue with scopes, an environment picker, and "Try it out" with a
// pasted token that never leaves the page except in the request's Authorization header.

const STATE_PATH = '/state/v1/apps/{appId}/app-states/{key}';

function endpoint(page: Page, method: string, path: string) {
  return page.getByRole('region', { name: `${method} ${path}`, exact: true });
}

test.describe('API explorer', () => {
  test('lists services, endpoints and scopes, and answers a call without a token with 401', async ({ alicePage: page }) => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.goto('/platform-tokens');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API explorer' }).click();
    await expect(page.getByRole('heading', { name: 'API explorer', level: 1 })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Document', level: 2 })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Platform management', level: 2 })).toBeVisible();
    const list = endpoint(page, 'GET', '/document/v1/documents');
    await expect(list.getByText('document:documents:read')).toBeVisible();
    await expect(page.getByLabel('Environment', { exact: true }).locator('option')).toHaveText([
      'Acme Corp: Production (acme-prod)',
      'Acme Corp: Staging (acme-staging)',
      'Globex: Production (globex-prod)',
    ]);

    await list.getByRole('button', { name: 'Try it out' }).click();
    await list.getByLabel('Authorization').fill('Bearer not-a-token');
    await list.getByRole('button', { name: 'Send' }).click();
    const response = list.getByRole('region', { name: 'Response' });
    await expect(response.getByTestId('response-status')).toHaveText(/^401/);
    await expect(response.getByText('www-authenticate')).toBeVisible();
    await expect(response.getByLabel('Response body')).toContainText('Malformed token');
    await expect(list.getByLabel('Equivalent curl command')).toContainText('Authorization: Bearer $TOKEN');
    await expect(list.getByLabel('Equivalent curl command')).not.toContainText('not-a-token');
    // How long the call took, and its curl command a click away.
    await expect(response.getByTestId('response-time')).toHaveText(/^\d[\d,]* ms$/);
    await list.getByRole('button', { name: 'Copy curl command' }).click();
    await expect(list.getByRole('button', { name: 'Copied' })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await list.getByLabel('Equivalent curl command').textContent());
  });

  test('finds endpoints by path, scope or summary, and jumps to a service from the list', async ({ alicePage: page }) => {
    await page.goto('/api-explorer');
    const services = page.getByRole('navigation', { name: 'Services' });
    await expect(services.getByRole('link')).not.toHaveCount(0);
    const search = page.getByRole('searchbox', { name: 'Search endpoints' });
    await search.fill('ingest/v1/BIZevents');
    await expect(page.getByText('1 endpoint', { exact: true })).toBeVisible();
    await expect(endpoint(page, 'POST', '/storage/ingest/v1/bizevents')).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Storage', level: 2 })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Document', level: 2 })).toHaveCount(0);
    await expect(services.getByRole('link')).toHaveCount(1);
    await search.fill('no such endpoint anywhere');
    await expect(page.getByText('0 endpoints')).toBeVisible();
    await expect(page.getByText('No endpoint matches “no such endpoint anywhere”.')).toBeVisible();
    await search.fill('');

    // A description's `backticks` mark code: shown as code, without the backticks.
    const workflows = endpoint(page, 'GET', '/automation/v1/workflows');
    await expect(workflows.getByText(/^The workflows of the environment, oldest first: limit of them from position offset/)).toBeVisible();
    await expect(workflows.locator('p code')).toHaveText(['limit', 'offset', 'automation:workflows:read']);
    await expect(workflows).not.toContainText('`');

    await services.getByRole('link', { name: /^Email/ }).click();
    await expect(page).toHaveURL(/#service-email$/);
    await expect(page.getByRole('heading', { name: 'Email', level: 2 })).toBeInViewport();
  });

  test('sends a pasted token with "Try it out", and shows status, headers, body and curl', async ({ alicePage: page }) => {
    const name = `Explorer e2e ${Date.now()}`;
    const token = await generateToken(page, name, 'Globex', ['state:app-states:read', 'state:app-states:write']);
    try {
      await page.goto('/api-explorer');
      await page.getByLabel('Environment', { exact: true }).selectOption('globex-prod');

      const put = endpoint(page, 'PUT', STATE_PATH);
      await put.getByRole('button', { name: 'Try it out' }).click();
      await put.getByLabel('Authorization').fill(`Bearer ${token}`);
      await put.getByLabel('appId').fill('explorer.e2e');
      await put.getByLabel('key').fill('greeting');
      await put.getByLabel('Body').fill('{"value":"hello from the explorer"}');
      await put.getByRole('button', { name: 'Send' }).click();
      await expect(put.getByTestId('response-status')).toHaveText(/^200/);
      await expect(put.getByText('cache-control')).toBeVisible();

      const get = endpoint(page, 'GET', STATE_PATH);
      await get.getByRole('button', { name: 'Try it out' }).click();
      // The pasted value is kept while the page is open.
      await expect(get.getByLabel('Authorization')).toHaveValue(`Bearer ${token}`);
      await get.getByLabel('appId').fill('explorer.e2e');
      await get.getByLabel('key').fill('greeting');
      await get.getByRole('button', { name: 'Send' }).click();
      await expect(get.getByTestId('response-status')).toHaveText(/^200/);
      await expect(get.getByLabel('Response body')).toContainText('hello from the explorer');
      const curl = get.getByLabel('Equivalent curl command');
      await expect(curl).toContainText("curl -X GET '");
      await expect(curl).toContainText('/e/globex-prod/platform/state/v1/apps/explorer.e2e/app-states/greeting');
      await expect(curl).toContainText('Authorization: Bearer $TOKEN');
      await expect(curl).not.toContainText(token);
      expect(page.url()).not.toContain(token);

      // The token reaches Globex only.
      await page.getByLabel('Environment', { exact: true }).selectOption('acme-prod');
      await get.getByRole('button', { name: 'Send' }).click();
      await expect(get.getByTestId('response-status')).toHaveText(/^403/);
      await expect(get.getByLabel('Response body')).toContainText("does not apply to environment 'acme-prod'");
    } finally {
      await tokenAction(page, name, 'Delete');
    }
  });
});
