import { expect, test } from './fixtures';
import { PlatformTokensPage } from './pages/platform-tokens-page';

// A token's own page (PRODUCT.md §10): reached from its name in both lists, for its creator and
// the account's admins only; and the admins' Actions menu in their list.

const unique = (label: string) => `${label} ${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

test.describe("A token's page", () => {
  test('shows everything about the token to its creator, with the scopes the owner holds and its activity', async ({
    alicePage: page,
  }) => {
    const tokens = new PlatformTokensPage(page);
    const name = unique('E2E page');
    const { tokenId } = await tokens.generate({
      name,
      account: 'Acme Corp',
      environments: ['Production'],
      scopes: ['document:documents:read', 'email:emails:send'],
    });
    try {
      await tokens.row(tokenId).getByRole('link', { name }).click();
      await expect(page).toHaveURL(new RegExp(`/platform-tokens/${tokenId.replace('.', '\\.')}$`));
      await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
      const details = page.getByRole('region', { name: 'Details' });
      for (const text of [tokenId, 'Acme Corp', 'Production', 'alice@example.com', 'Never']) await expect(details).toContainText(text);
      // Expires: relative, and the exact time with its zone.
      await expect(details).toContainText(/in 30 days/);
      await expect(details).toContainText(/GMT|UTC/);

      const scopes = page.getByRole('region', { name: 'Scopes' });
      const read = scopes.getByRole('listitem').filter({ hasText: 'document:documents:read' }).first();
      await expect(read).toContainText('Held by the owner');
      await expect(read.getByRole('list', { name: 'Endpoints document:documents:read grants' })).toContainText('/document/v1/documents');
      await expect(scopes.getByRole('listitem').filter({ hasText: 'email:emails:send' }).first()).toContainText('Not held by the owner');

      await expect(page.getByRole('region', { name: 'Activity' }).getByRole('row').filter({ hasText: 'Token generated' })).toHaveCount(1);

      // The actions are here too; the outcome is told, and focus returns to the button.
      await page.getByRole('button', { name: 'Disable', exact: true }).click();
      await page.getByRole('alertdialog').getByRole('button', { name: 'Disable' }).click();
      await expect(page.getByRole('status').filter({ hasText: `Disabled “${name}”` })).toBeVisible();
      await expect(page.getByRole('region', { name: 'Details' })).toContainText('Disabled');
      await expect(page.getByRole('button', { name: 'Enable', exact: true })).toBeFocused();
      await expect(page.getByRole('region', { name: 'Activity' }).getByRole('row').filter({ hasText: 'Token disabled' })).toHaveCount(1);

      // Deleting it leads back to the list, which says so.
      await page.getByRole('button', { name: 'Delete', exact: true }).click();
      await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
      await expect(page).toHaveURL(/\/platform-tokens$/);
      await expect(page.getByRole('status').filter({ hasText: `Deleted “${name}”` })).toBeFocused();
      await expect(tokens.row(tokenId)).toHaveCount(0);
    } finally {
      await tokens.goto();
      if ((await tokens.row(tokenId).count()) > 0) await tokens.delete(name, tokenId);
    }
  });

  test('is a 404 for another member; admins reach it from their list and may disable but not rotate or duplicate', async ({
    alicePage,
    bobPage,
    adminPage,
  }) => {
    const alice = new PlatformTokensPage(alicePage);
    const name = unique('E2E admin view');
    const { tokenId } = await alice.generate({ name, account: 'Acme Corp', scopes: ['document:documents:read'] });
    try {
      const response = await bobPage.goto(`/platform-tokens/${tokenId}`);
      expect(response?.status()).toBe(404);
      await expect(bobPage.getByText(name)).toHaveCount(0);
      expect((await bobPage.goto('/platform-tokens/not-a-token-id'))?.status()).toBe(404);

      await adminPage.goto(`/accounts/acme/iam/platform-tokens?q=${encodeURIComponent(name)}`);
      const row = adminPage.getByRole('row').filter({ hasText: tokenId });
      await expect(row).toContainText('alice@example.com');
      await row.getByRole('button', { name: `Actions for ${name}` }).click();
      await expect(adminPage.getByRole('menuitem')).toHaveText(['Disable', 'Delete']);
      await adminPage.getByRole('menuitem', { name: 'Disable' }).click();
      await adminPage.getByRole('alertdialog').getByRole('button', { name: 'Disable' }).click();
      await expect(adminPage.getByRole('status').filter({ hasText: `Disabled “${name}”` })).toBeVisible();
      await expect(row).toContainText('Disabled');

      await row.getByRole('link', { name }).click();
      await expect(adminPage.getByRole('heading', { name, level: 1 })).toBeVisible();
      await expect(adminPage.getByRole('link', { name: 'Platform tokens of Acme Corp' })).toBeVisible();
      await expect(adminPage.getByRole('group', { name: 'Actions' }).getByRole('button')).toHaveText(['Enable', 'Delete']);
    } finally {
      await alice.goto();
      if ((await alice.row(tokenId).count()) > 0) await alice.delete(name, tokenId);
    }
  });
});
