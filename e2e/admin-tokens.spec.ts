import { expect, test } from './fixtures';
import { PlatformTokensPage } from './pages/platform-tokens-page';
import type { Page } from '@playwright/test';

// Identity & access management › Platform tokens as the Acme admin: search, select, bulk
// actions, the "Allow to manage platform tokens" switch and Activity; and a 404 for members.
// Bob generates the tokens (under a unique name prefix) so no other spec's tokens are touched.

const ACME_TOKENS = '/accounts/acme/iam/platform-tokens';
const unique = (label: string) => `${label} ${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

async function search(page: Page, text: string) {
  await page.getByRole('searchbox', { name: 'Search tokens' }).fill(text);
  await expect(page).toHaveURL(/[?&]q=/);
}

/** Deletes, as admin, whatever is left under a prefix (nothing when the test went through). */
async function deleteMatching(page: Page, prefix: string) {
  await page.goto(`${ACME_TOKENS}?q=${encodeURIComponent(prefix)}`);
  const rows = page.getByRole('row').filter({ hasText: prefix });
  if ((await rows.count()) === 0) return;
  await page.getByRole('checkbox', { name: 'Select all tokens on this page' }).check();
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
  await expect(rows).toHaveCount(0);
}

test.describe('Identity & access management › Platform tokens', () => {
  test('members get a 404 for the admin pages of their account', async ({ alicePage, bobPage }) => {
    for (const page of [alicePage, bobPage]) {
      for (const path of [ACME_TOKENS, '/accounts/acme/iam/activity', '/accounts/acme/iam']) {
        const response = await page.goto(path);
        expect(response?.status()).toBe(404);
        await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
      }
    }
    const response = await alicePage.goto('/accounts/globex/iam/platform-tokens');
    expect(response?.status()).toBe(404);
  });

  test('the admin searches, selects, disables, enables and deletes tokens in bulk', async ({ adminPage: page, bobPage }) => {
    const prefix = unique('e2e-admin-bulk');
    const bob = new PlatformTokensPage(bobPage);
    const created: { token: string; tokenId: string }[] = [];
    for (const n of [1, 2, 3]) {
      created.push(
        await bob.generate({ name: `${prefix} ${n}`, account: 'Acme Corp', applyToAccount: true, scopes: ['document:documents:read'] }),
      );
    }
    const [first, second, third] = created as [(typeof created)[0], (typeof created)[0], (typeof created)[0]];
    const row = (tokenId: string) => page.getByRole('row').filter({ hasText: tokenId });
    try {
      await page.goto(ACME_TOKENS);
      await expect(page.getByRole('heading', { name: 'Platform tokens' })).toBeVisible();
      await search(page, prefix);
      await expect(page.getByRole('row').filter({ hasText: prefix })).toHaveCount(3);
      await expect(row(first.tokenId)).toContainText('bob@example.com');
      await expect(row(first.tokenId)).toContainText('Active');
      await expect(row(first.tokenId)).toContainText('All environments');

      // Sorting is the server's, and kept in the URL.
      await page.getByRole('link', { name: 'Name', exact: true }).click();
      await expect(page).toHaveURL(/sort=name/);
      await expect(page.getByRole('columnheader', { name: 'Name' })).toHaveAttribute('aria-sort', 'ascending');
      await expect(page.getByRole('row').nth(1)).toContainText(`${prefix} 1`);
      await page.getByRole('link', { name: 'Name', exact: true }).click();
      await expect(page.getByRole('columnheader', { name: 'Name' })).toHaveAttribute('aria-sort', 'descending');
      await expect(page.getByRole('row').nth(1)).toContainText(`${prefix} 3`);

      // Disable two of them.
      await page.getByRole('checkbox', { name: `Select ${prefix} 1` }).check();
      await page.getByRole('checkbox', { name: `Select ${prefix} 2` }).check();
      await page.getByRole('button', { name: 'Disable', exact: true }).click();
      const dialog = page.getByRole('alertdialog');
      await expect(dialog).toContainText('Disable 2 tokens?');
      await expect(dialog).toContainText(first.tokenId);
      await expect(dialog).toContainText(second.tokenId);
      await dialog.getByRole('button', { name: 'Disable' }).click();
      await expect(dialog).toBeHidden();
      await expect(page.getByRole('status').filter({ hasText: 'Disabled 2 tokens.' })).toBeVisible();
      await expect(row(first.tokenId)).toContainText('Disabled');
      await expect(row(second.tokenId)).toContainText('Disabled');
      await expect(row(third.tokenId)).toContainText('Active');

      // The status filter, then enable one again.
      await page.getByRole('combobox', { name: 'Status', exact: true }).selectOption({ label: 'Disabled' });
      await expect(page).toHaveURL(/status=disabled/);
      await expect(page.getByRole('row').filter({ hasText: prefix })).toHaveCount(2);
      await page.getByRole('checkbox', { name: `Select ${prefix} 2` }).check();
      await page.getByRole('button', { name: 'Enable', exact: true }).click();
      await expect(dialog).toContainText('Enable 1 token?');
      await dialog.getByRole('button', { name: 'Enable' }).click();
      await expect(page.getByRole('status').filter({ hasText: 'Enabled 1 token.' })).toBeVisible();
      await expect(page.getByRole('row').filter({ hasText: prefix })).toHaveCount(1);

      // Delete all three: select the whole page.
      await page.getByRole('combobox', { name: 'Status', exact: true }).selectOption({ label: 'All' });
      await expect(page.getByRole('row').filter({ hasText: prefix })).toHaveCount(3);
      await page.getByRole('checkbox', { name: 'Select all tokens on this page' }).check();
      await page.getByRole('button', { name: 'Delete', exact: true }).click();
      await expect(dialog).toContainText('Delete 3 tokens?');
      await expect(dialog).toContainText('cannot be undone');
      await dialog.getByRole('button', { name: 'Delete' }).click();
      await expect(page.getByRole('status').filter({ hasText: 'Deleted 3 tokens.' })).toBeVisible();
      await expect(page.getByText('No tokens match.')).toBeVisible();

      await bob.goto();
      await expect(bobPage.getByRole('row').filter({ hasText: prefix })).toHaveCount(0);

      // Activity tells the story of one token, bulk events included, without any secret.
      await page.goto('/accounts/acme/iam/activity');
      await page.getByRole('searchbox', { name: 'Token' }).fill(first.tokenId);
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await expect(page).toHaveURL(/token=dt0s16/);
      const events = page.getByRole('row');
      await expect(events.filter({ hasText: 'Tokens deleted (bulk)' })).toHaveCount(1);
      await expect(events.filter({ hasText: 'Tokens disabled (bulk)' })).toHaveCount(1);
      await expect(events.filter({ hasText: 'Token generated' })).toHaveCount(1);
      const html = await page.content();
      for (const t of created) expect(html).not.toContain(t.token.slice(32));
    } finally {
      await deleteMatching(page, prefix);
    }
  });

  test("a refusal the server gives after the form was filled stays until the form changes, and then goes", async ({ adminPage, alicePage }) => {
    const toggle = adminPage.getByRole('switch', { name: 'Allow to manage platform tokens' });
    const dialog = adminPage.getByRole('alertdialog');
    const alice = new PlatformTokensPage(alicePage);
    const name = unique('e2e-admin-refused');
    await alice.goto();
    await alice.openCreateForm();
    await alicePage.getByLabel('Token name').fill(name);
    await alicePage.getByLabel('Account', { exact: true }).selectOption({ label: 'Acme Corp' });
    await alicePage.getByRole('checkbox', { name: 'document:documents:read', exact: true }).check();
    await adminPage.goto(ACME_TOKENS);
    await expect(toggle).toBeChecked();
    try {
      // Turned off while Alice's form is open: only the server can tell her.
      await toggle.click();
      await dialog.getByRole('button', { name: 'Deny' }).click();
      await expect(toggle).not.toBeChecked();
      await alicePage.getByRole('button', { name: 'Generate' }).click();
      const refusal = alicePage.getByRole('alert').filter({ hasText: 'Allow to manage platform tokens' });
      await expect(refusal).toBeVisible();
      await expect(alice.secretDialog()).toHaveCount(0);
    } finally {
      await adminPage.goto(ACME_TOKENS);
      if (!(await toggle.isChecked())) {
        await toggle.click();
        await dialog.getByRole('button', { name: 'Allow' }).click();
      }
      await expect(toggle).toBeChecked();
    }
    // Still shown while nothing changed; gone once she edits the form, and the next try works.
    await expect(alicePage.getByRole('alert').filter({ hasText: 'Allow to manage platform tokens' })).toBeVisible();
    await alicePage.getByLabel('Token name').fill(`${name} again`);
    await expect(alicePage.getByRole('alert').filter({ hasText: 'Allow to manage platform tokens' })).toHaveCount(0);
    await alicePage.getByRole('button', { name: 'Generate' }).click();
    const { tokenId } = await alice.takeSecret();
    await alice.delete(`${name} again`, tokenId);
  });

  test('"Deny" stops generating tokens in Acme but not in Globex, and "Allow" restores it', async ({ adminPage, alicePage }) => {
    const toggle = adminPage.getByRole('switch', { name: 'Allow to manage platform tokens' });
    const dialog = adminPage.getByRole('alertdialog');
    const alice = new PlatformTokensPage(alicePage);
    const acmeName = unique('e2e-admin-acme');
    const { tokenId: acmeTokenId } = await alice.generate({ name: acmeName, account: 'Acme Corp', scopes: ['document:documents:read'] });
    await adminPage.goto(ACME_TOKENS);
    await expect(toggle).toBeChecked();
    try {
      // Asking is not changing: "Cancel" leaves it on.
      await toggle.click();
      await expect(dialog).toContainText('Deny token management in Acme Corp?');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await expect(toggle).toBeChecked();
      await expect(toggle).toBeFocused();

      await toggle.click();
      await dialog.getByRole('button', { name: 'Deny' }).click();
      await expect(toggle).not.toBeChecked();
      await expect(adminPage.getByRole('status').filter({ hasText: 'Token management is denied in Acme Corp' })).toBeVisible();

      // Alice's Acme token keeps Rotate and Duplicate in its menu, unavailable and saying why.
      await alice.goto();
      await alice.openActions(acmeName);
      const denied = 'An admin of Acme Corp has turned off "Allow to manage platform tokens", so no tokens can be generated, duplicated or rotated there.';
      for (const item of ['Rotate', 'Duplicate']) {
        const menuitem = alicePage.getByRole('menuitem', { name: item });
        await expect(menuitem).toHaveAttribute('aria-disabled', 'true');
        await expect(menuitem).toHaveAccessibleDescription(denied);
      }
      await expect(alicePage.getByRole('menuitem', { name: 'Delete' })).not.toHaveAttribute('aria-disabled', 'true');
      await alicePage.keyboard.press('Escape');

      await alicePage.getByRole('button', { name: 'Platform token' }).click();
      await expect(alicePage.getByRole('option', { name: 'Acme Corp (token management turned off)' })).toBeDisabled();
      await expect(alicePage.getByText('Acme Corp cannot be chosen')).toBeVisible();
      const name = unique('e2e-admin-globex');
      await alice.fillAndGenerate({ name, account: 'Globex', applyToAccount: true, scopes: ['document:documents:read'] });
      const { tokenId } = await alice.takeSecret();
      await expect(alice.row(tokenId)).toContainText('Globex');
      await alice.delete(name, tokenId);
    } finally {
      await adminPage.goto(ACME_TOKENS);
      if (!(await toggle.isChecked())) {
        await toggle.click();
        await expect(dialog).toContainText('Allow token management in Acme Corp?');
        await dialog.getByRole('button', { name: 'Allow' }).click();
      }
      await expect(toggle).toBeChecked();
      await alice.goto();
      await alice.delete(acmeName, acmeTokenId);
    }

    await adminPage.goto('/accounts/acme/iam/activity?action=account.token_management_denied');
    await expect(adminPage.getByRole('row').filter({ hasText: 'Token management denied' }).first()).toBeVisible();
    await adminPage.goto('/accounts/acme/iam/activity?action=account.token_management_allowed');
    await expect(adminPage.getByRole('row').filter({ hasText: 'Token management allowed' }).first()).toBeVisible();
  });

  test('"Token policy": the maximum lifetime hides "Never" and longer presets in the create form, and the server refuses beyond it', async ({
    adminPage,
    alicePage,
  }) => {
    // Globex, so that no other spec's Acme tokens meet the maximum; 30 days keeps their default.
    const GLOBEX_TOKENS = '/accounts/globex/iam/platform-tokens';
    const policy = adminPage.getByRole('form', { name: 'Token policy' });
    const maxLifetime = policy.getByLabel('Maximum lifetime');
    await adminPage.goto(GLOBEX_TOKENS);
    await expect(adminPage.getByRole('heading', { name: 'Token policy' })).toBeVisible();
    await expect(policy.getByLabel('Disable tokens unused for')).toHaveValue('');
    try {
      await maxLifetime.fill('0');
      await policy.getByRole('button', { name: 'Save token policy' }).click();
      await expect(maxLifetime).toHaveAccessibleDescription(/Maximum lifetime must be a whole number of days from 1 to 36500, or empty/);

      await maxLifetime.fill('30');
      await policy.getByRole('button', { name: 'Save token policy' }).click();
      await expect(adminPage.getByRole('status').filter({ hasText: 'Token policy saved: a maximum lifetime of 30 days' })).toBeVisible();

      const alice = new PlatformTokensPage(alicePage);
      await alice.goto();
      await alice.openCreateForm();
      await alicePage.getByLabel('Account', { exact: true }).selectOption({ label: 'Globex' });
      const expiration = alicePage.getByLabel('Expiration date', { exact: true });
      await expect(expiration.getByRole('option')).toHaveText(['7 days', '30 days', 'Custom date']);
      await expect(expiration).toHaveAccessibleDescription(/At most 30 days \(the account's maximum lifetime\)/);
      // Acme has no maximum: everything is offered there.
      await alicePage.getByLabel('Account', { exact: true }).selectOption({ label: 'Acme Corp' });
      await expect(expiration.getByRole('option')).toHaveText(['7 days', '30 days', '60 days', '90 days', '1 year', 'Custom date', 'Never']);
    } finally {
      await adminPage.goto(GLOBEX_TOKENS);
      await maxLifetime.fill('');
      await policy.getByRole('button', { name: 'Save token policy' }).click();
      await expect(adminPage.getByRole('status').filter({ hasText: /Token policy saved: no maximum lifetime|already set that way/ })).toBeVisible();
    }
    await adminPage.goto('/accounts/globex/iam/activity?action=account.token_policy_changed');
    await expect(adminPage.getByRole('row').filter({ hasText: 'Token policy changed' }).first()).toBeVisible();
  });

  test('"Token policy": under a maximum lifetime the Rotate dialog offers no "Never" nor longer presets, and proposes one within it', async ({
    adminPage,
    alicePage,
  }) => {
    const GLOBEX_TOKENS = '/accounts/globex/iam/platform-tokens';
    const policy = adminPage.getByRole('form', { name: 'Token policy' });
    const maxLifetime = policy.getByLabel('Maximum lifetime');
    const alice = new PlatformTokensPage(alicePage);
    const name = unique('E2E rotate within maximum');
    // Made before the maximum, so it never expires: rotating it again would propose "Never".
    const { tokenId } = await alice.generate({
      name,
      account: 'Globex',
      applyToAccount: true,
      scopes: ['document:documents:read'],
      expiration: 'Never',
    });
    try {
      await adminPage.goto(GLOBEX_TOKENS);
      await maxLifetime.fill('30');
      await policy.getByRole('button', { name: 'Save token policy' }).click();
      await expect(adminPage.getByRole('status').filter({ hasText: 'Token policy saved: a maximum lifetime of 30 days' })).toBeVisible();

      await alice.goto();
      await alice.openActions(name);
      await alicePage.getByRole('menuitem', { name: 'Rotate' }).click();
      const dialog = alicePage.getByRole('dialog', { name: 'Rotate platform token' });
      const expiration = dialog.getByLabel('Expiration date', { exact: true });
      await expect(expiration.getByRole('option')).toHaveText(['7 days', '30 days', 'Custom date']);
      await expect(expiration).toHaveValue('30d');
      await expect(expiration).toHaveAccessibleDescription(/At most 30 days \(the account's maximum lifetime\)/);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await expect(dialog).toBeHidden();
    } finally {
      await adminPage.goto(GLOBEX_TOKENS);
      await maxLifetime.fill('');
      await policy.getByRole('button', { name: 'Save token policy' }).click();
      await expect(adminPage.getByRole('status').filter({ hasText: /Token policy saved: no maximum lifetime|already set that way/ })).toBeVisible();
      await alice.goto();
      await alice.delete(name, tokenId);
    }
  });
});
