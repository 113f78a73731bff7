import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { PlatformTokensPage } from './pages/platform-tokens-page';

// Rotation from the Actions menu: "Later" keeps both tokens working for an overlap window,
// "Immediately" stops the old one at once; the table links old and new both ways.

const unique = (label: string) => `${label} ${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

/** Today as dd.MM.yyyy in the browser's own time zone, the way the dialog proposes it. */
const browserToday = (page: Page) =>
  page.evaluate(() => {
    const d = new Date();
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${pad(d.getDate())}.${pad(d.getMonth() + 1)}.${d.getFullYear()}`;
  });

async function openRotate(tokens: PlatformTokensPage, name: string) {
  await tokens.openActions(name);
  await tokens.page.getByRole('menuitem', { name: 'Rotate' }).click();
  const dialog = tokens.page.getByRole('dialog', { name: 'Rotate platform token' });
  await expect(dialog).toBeVisible();
  return dialog;
}

test.describe('Rotating a platform token', () => {
  test('"Later" keeps the old token until the chosen time and links both tokens', async ({ alicePage: page }) => {
    const tokens = new PlatformTokensPage(page);
    const name = unique('E2E rotate later');
    const old = await tokens.generate({ name, account: 'Acme Corp', environments: ['Staging'], scopes: ['state:app-states:read'] });
    let newName = '';
    let fresh: { tokenId: string } | null = null;
    try {
      const dialog = await openRotate(tokens, name);
      await expect(dialog).toContainText(old.tokenId);
      await expect(dialog.getByRole('radio', { name: 'Later' })).toBeChecked();
      await expect(dialog.getByLabel('Old token expires at')).toHaveValue(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
      newName = `${name} ${await browserToday(page)}`;
      await expect(dialog.getByLabel('Token name')).toHaveValue(newName);
      // Same lifetime as the original (30 days): a custom date about 30 days ahead.
      await expect(dialog.getByLabel('Expiration date', { exact: true })).toHaveValue('custom');
      const proposed = await dialog.getByLabel('Custom expiration date').inputValue();
      const days = (Date.parse(proposed) - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(29);
      expect(days).toBeLessThan(31);

      // More than 7 days of overlap is refused at the field.
      await dialog.getByLabel('Old token expires at').fill('2099-01-01T00:00');
      await dialog.getByRole('button', { name: 'Rotate' }).click();
      await expect(dialog.getByLabel('Old token expires at')).toHaveAttribute('aria-invalid', 'true');
      await expect(dialog.getByLabel('Old token expires at')).toHaveAccessibleDescription(/can be at most 7 days from now/);

      const inTwoHours = await page.evaluate(() => {
        const d = new Date(Date.now() + 2 * 3600_000);
        const pad = (n: number) => String(n).padStart(2, '0');
        return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
      });
      await dialog.getByLabel('Old token expires at').fill(inTwoHours);
      await dialog.getByRole('button', { name: 'Rotate' }).click();
      fresh = await tokens.takeSecret();

      await expect(page.getByRole('status').filter({ hasText: 'Rotated' })).toContainText(fresh.tokenId);
      const oldRow = tokens.row(old.tokenId).filter({ hasText: name });
      await expect(tokens.row(`Rotated to ${fresh.tokenId}`)).toContainText(old.tokenId);
      await expect(oldRow.first()).toContainText('Active');
      await expect(tokens.row(`Rotated to ${fresh.tokenId}`)).toContainText('stops');
      const newRow = tokens.row(`Rotated from ${old.tokenId}`);
      await expect(newRow).toContainText(fresh.tokenId);
      await expect(newRow).toContainText(newName);
      await expect(newRow).toContainText('Staging');
      await expect(newRow).toContainText('Active');

      // A rotated token cannot be rotated again; the dialog says where it went.
      const again = await openRotate(tokens, name);
      await expect(again.getByRole('alert')).toHaveText(`${old.tokenId} was already rotated to ${fresh.tokenId}; rotate that token instead.`);
      await again.getByRole('button', { name: 'Cancel' }).click();
      await expect(again).toBeHidden();
    } finally {
      await tokens.goto();
      if (fresh) await tokens.delete(newName, fresh.tokenId);
      await tokens.delete(name, old.tokenId);
    }
  });

  test('"Immediately" expires the old token at once', async ({ alicePage: page }) => {
    const tokens = new PlatformTokensPage(page);
    const name = unique('E2E rotate now');
    const old = await tokens.generate({ name, account: 'Acme Corp', scopes: ['document:documents:read'], expiration: 'Never' });
    let newName = '';
    let fresh: { tokenId: string } | null = null;
    try {
      const dialog = await openRotate(tokens, name);
      await dialog.getByRole('radio', { name: 'Immediately' }).check();
      await expect(dialog.getByLabel('Old token expires at')).toHaveCount(0);
      await expect(dialog.getByLabel('Expiration date', { exact: true })).toHaveValue('never');
      newName = await dialog.getByLabel('Token name').inputValue();
      await dialog.getByRole('button', { name: 'Rotate' }).click();
      fresh = await tokens.takeSecret();

      const oldRow = tokens.row(`Rotated to ${fresh.tokenId}`);
      await expect(oldRow).toContainText('Expired');
      await expect(oldRow).toContainText('stopped');
      const newRow = tokens.row(`Rotated from ${old.tokenId}`);
      await expect(newRow).toContainText('Active');
      await expect(newRow).toContainText('Never');
      await expect(page.getByRole('status').filter({ hasText: 'Rotated' })).toContainText('The old token stopped working.');
    } finally {
      await tokens.goto();
      if (fresh) await tokens.delete(newName, fresh.tokenId);
      await tokens.delete(name, old.tokenId);
    }
  });
});
