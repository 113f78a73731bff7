import { expect, storageStatePath, test } from './fixtures';
import { PlatformTokensPage } from './pages/platform-tokens-page';

// My platform tokens as alice and bob: generate with the secret shown once, the Actions menu,
// duplicate, the limit of 10, service users, and what bob can and cannot see.

const unique = (label: string) => `${label} ${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

test.describe('My platform tokens', () => {
  test('alice generates a token, copies its secret once, then disables, enables, duplicates and deletes it', async ({ alicePage: page }) => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    const tokens = new PlatformTokensPage(page);
    const name = unique('E2E lifecycle');
    await tokens.goto();
    await tokens.openCreateForm();

    const actionResponse = page.waitForResponse((r) => r.request().method() === 'POST' && !!r.request().headers()['next-action']);
    await tokens.fillAndGenerate({
      name,
      account: 'Acme Corp',
      environments: ['Production'],
      scopes: ['document:documents:read', 'storage:logs:read'],
    });
    expect((await actionResponse).headers()['cache-control']).toContain('no-store');

    const dialog = tokens.secretDialog();
    await expect(dialog).toContainText('will not be shown again');
    const secret = await dialog.getByRole('textbox', { name: 'Token' }).inputValue();
    expect(secret).toMatch(/^dt0s16\.[A-Z0-9]{24}\.[A-Z0-9]{64}$/);

    // Neither Escape nor a click beside the dialog loses the secret; they point at the way out.
    await page.keyboard.press('Escape');
    await page.mouse.click(5, 5);
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('status')).toContainText('then choose “Finish and exit”');

    await dialog.getByRole('button', { name: 'Copy' }).click();
    await expect(dialog.getByRole('button', { name: 'Copied' })).toBeVisible();
    await expect(dialog.getByRole('status')).toHaveText('Copied to the clipboard.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await dialog.getByRole('button', { name: 'Finish and exit' }).click();
    await expect(dialog).toBeHidden();

    const tokenId = secret.slice(0, 31);
    const row = tokens.row(tokenId);
    await expect(row).toContainText(name);
    await expect(row).toContainText('Active');
    await expect(row).toContainText('Acme Corp');
    await expect(row).toContainText('Production');
    await expect(row).toContainText('alice@example.com');
    await expect(row).toContainText('Never');
    await expect(page.getByRole('status').filter({ hasText: `Generated “${name}”` })).toBeVisible();

    // The secret is gone from the client: not on this page, not after a reload; nor is the
    // outcome in the URL, so a reload does not tell it again.
    const secretPart = secret.slice(32);
    expect(await page.content()).not.toContain(secretPart);
    expect(new URL(page.url()).search).toBe('');
    await page.reload();
    await expect(row).toContainText('Active');
    expect(await page.content()).not.toContain(secretPart);
    await expect(page.getByRole('status').filter({ hasText: `Generated “${name}”` })).toHaveCount(0);

    await tokens.act(name, tokenId, 'Disable');
    await expect(row).toContainText('Disabled');
    await expect(page.getByRole('status').filter({ hasText: 'Disabled' })).toContainText(tokenId);

    // Enable by keyboard only: the menu opens on Enter with its first item focused.
    const trigger = page.getByRole('button', { name: `Actions for ${name}`, exact: true });
    await trigger.focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('menuitem', { name: 'Enable' })).toBeFocused();
    await page.keyboard.press('Enter');
    const confirm = page.getByRole('alertdialog');
    await expect(confirm).toContainText(tokenId);
    await confirm.getByRole('button', { name: 'Enable' }).focus();
    await page.keyboard.press('Enter');
    await expect(confirm).toBeHidden();
    await expect(row).toContainText('Active');
    await expect(trigger).toBeFocused();

    await tokens.openActions(name);
    await page.getByRole('menuitem', { name: 'Duplicate' }).click();
    await expect(page.getByRole('heading', { name: 'Duplicate a platform token' })).toBeVisible();
    await expect(page.getByLabel('Token name')).toHaveValue(`Duplicate of: ${name}`);
    await expect(page.getByLabel('Account', { exact: true })).toHaveValue('acme');
    await expect(page.getByRole('checkbox', { name: 'Production' })).toBeChecked();
    await expect(page.getByRole('checkbox', { name: 'Staging' })).not.toBeChecked();
    await expect(page.getByRole('checkbox', { name: 'storage:logs:read', exact: true })).toBeChecked();
    await expect(page.getByRole('checkbox', { name: 'document:documents:read', exact: true })).toBeChecked();
    await expect(page.getByRole('checkbox', { name: 'document:documents:write', exact: true })).not.toBeChecked();
    await page.getByRole('button', { name: 'Generate' }).click();
    const copy = await tokens.takeSecret();
    expect(copy.token).not.toBe(secret);
    await expect(tokens.row(copy.tokenId)).toContainText(`Duplicate of: ${name}`);
    await expect(tokens.row(copy.tokenId)).toContainText('Active');

    await tokens.delete(`Duplicate of: ${name}`, copy.tokenId);
    await tokens.delete(name, tokenId);
    await expect(page.getByRole('status').filter({ hasText: 'Deleted' })).toContainText(tokenId);
  });

  test('copies the secret without the clipboard API, or leaves it selected to copy by hand', async ({ browser }) => {
    const context = await browser.newContext({ storageState: storageStatePath('alice') });
    // A browser that refuses the clipboard API (plain http, no permission).
    await context.addInitScript(() => {
      Object.defineProperty(navigator, 'clipboard', {
        value: { writeText: () => Promise.reject(new DOMException('Not allowed', 'NotAllowedError')) },
      });
    });
    const page = await context.newPage();
    const tokens = new PlatformTokensPage(page);
    const name = unique('E2E copy');
    await tokens.goto();
    await tokens.openCreateForm();
    await tokens.fillAndGenerate({ name, account: 'Acme Corp', scopes: ['document:documents:read'] });
    const dialog = tokens.secretDialog();
    const field = dialog.getByRole('textbox', { name: 'Token' });
    const secret = await field.inputValue();

    await dialog.getByRole('button', { name: 'Copy' }).click();
    await expect(dialog.getByRole('button', { name: 'Copied' })).toBeVisible();
    expect(await field.evaluate((el: HTMLTextAreaElement) => el.value.slice(el.selectionStart, el.selectionEnd))).toBe(secret);

    // Where copying the selection fails too, the token stays selected and the dialog says how to copy it.
    await page.evaluate(() => {
      document.execCommand = () => false;
    });
    await expect(dialog.getByRole('button', { name: 'Copy' })).toBeVisible({ timeout: 8_000 });
    await dialog.getByRole('button', { name: 'Copy' }).click();
    await expect(dialog.getByRole('status')).toHaveText('The token is selected: press Ctrl+C to copy it.');
    await expect(field).toBeFocused();
    const { tokenId } = await tokens.takeSecret();
    await tokens.delete(name, tokenId);
    await context.close();
  });

  test('marks a token that expires within 7 days, in the list and on its page', async ({ alicePage: page }) => {
    const tokens = new PlatformTokensPage(page);
    const soon = unique('E2E soon');
    const later = unique('E2E later');
    const a = await tokens.generate({ name: soon, account: 'Acme Corp', expiration: '7 days', scopes: ['document:documents:read'] });
    const b = await tokens.generate({ name: later, account: 'Acme Corp', expiration: '30 days', scopes: ['document:documents:read'] });
    try {
      // The outcome's notice can be dismissed.
      const notice = page.getByRole('status').filter({ hasText: `Generated “${later}”` });
      await expect(notice).toBeVisible();
      await page.getByRole('button', { name: 'Dismiss' }).click();
      await expect(notice).toHaveCount(0);

      await expect(tokens.row(a.tokenId)).toContainText('in 7 days');
      await expect(tokens.row(a.tokenId).getByText('Expires soon', { exact: true })).toBeVisible();
      await expect(tokens.row(b.tokenId)).toContainText('in 30 days');
      await expect(tokens.row(b.tokenId).getByText('Expires soon', { exact: true })).toHaveCount(0);
      await tokens.row(a.tokenId).getByRole('link', { name: soon }).click();
      await expect(page.getByRole('heading', { name: soon, level: 1 })).toBeVisible();
      await expect(page.getByText('Expires soon', { exact: true })).toBeVisible();
    } finally {
      await tokens.goto();
      await tokens.delete(soon, a.tokenId);
      await tokens.delete(later, b.tokenId);
    }
  });

  test('shows each broken rule at its field, including the ones only the server can check', async ({ alicePage: page }) => {
    const tokens = new PlatformTokensPage(page);
    await tokens.goto();
    await tokens.openCreateForm();
    for (const box of await page.getByRole('group', { name: 'Environments' }).getByRole('checkbox').all()) await box.uncheck();
    await page.getByRole('button', { name: 'Generate' }).click();
    await expect(page.getByLabel('Token name')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByText('Enter a token name')).toBeVisible();
    await expect(page.getByText('Choose at least one environment, or apply the token to the account')).toBeVisible();
    await expect(page.getByText('Choose at least one scope')).toBeVisible();
    // The bar by Generate sums them up, each a link to its field.
    const summary = page.getByText(/fields? needs? attention:/).locator('..');
    await expect(summary).toContainText('3 fields need attention:');
    await expect(summary.getByRole('link')).toHaveText(['Token name', 'Environments', 'Scopes']);
    await summary.getByRole('link', { name: 'Token name' }).click();
    await expect(page.getByLabel('Token name')).toBeFocused();

    // "Apply to account" makes environments unnecessary; a past custom date is refused by the server.
    await page.getByLabel('Token name').fill(unique('E2E past'));
    await page.getByLabel('Apply to account').check();
    await expect(page.getByRole('checkbox', { name: 'Production' })).toBeDisabled();
    await page.getByRole('checkbox', { name: 'document:documents:read', exact: true }).check();
    await page.getByLabel('Expiration date', { exact: true }).selectOption({ label: 'Custom date' });
    await page.getByLabel('Custom expiration date').fill('2020-01-01T10:00');
    await page.getByRole('button', { name: 'Generate' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'The expiration date must be in the future' })).toBeVisible();
    await expect(page.getByLabel('Custom expiration date')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByRole('dialog')).toHaveCount(0);

    // Fixing the field takes the refusal away: nothing stale stays on the form.
    await page.getByLabel('Expiration date', { exact: true }).selectOption({ label: '30 days' });
    await expect(page.getByRole('alert').filter({ hasText: 'The expiration date must be in the future' })).toHaveCount(0);
    await expect(page.getByText('The expiration date must be in the future')).toHaveCount(0);
    await expect(page.getByText(/fields? needs? attention:/)).toHaveCount(0);
  });

  test('generates for a service user only where a policy allows it, and marks scopes its owner lacks', async ({
    alicePage: page,
    bobPage,
  }) => {
    const tokens = new PlatformTokensPage(page);
    const name = unique('E2E CI bot');
    await tokens.goto();
    await tokens.openCreateForm();
    await page.getByLabel('Account', { exact: true }).selectOption({ label: 'Acme Corp' });
    await page.getByRole('radio', { name: 'Service user' }).check();
    const picker = page.getByLabel('Owner');
    await expect(picker.getByRole('option')).toHaveText(['Choose a service user', 'ci-bot@service.example.com']);
    await picker.selectOption({ label: 'ci-bot@service.example.com' });
    const logsRead = page.getByRole('checkbox', { name: 'storage:logs:read', exact: true });
    await expect(logsRead).toHaveAccessibleDescription('not granted to ci-bot@service.example.com');
    await expect(page.getByRole('checkbox', { name: 'document:documents:read', exact: true })).not.toHaveAttribute(
      'aria-describedby',
      /.+/,
    );
    await page.getByRole('radio', { name: 'Myself' }).check();
    await expect(page.getByRole('checkbox', { name: 'email:emails:send', exact: true })).toHaveAccessibleDescription(
      'not granted to alice@example.com',
    );

    await page.getByRole('radio', { name: 'Service user' }).check();
    await page.getByLabel('Owner').selectOption({ label: 'ci-bot@service.example.com' });
    await tokens.fillAndGenerate({ name, scopes: ['document:documents:read'] });
    const { tokenId } = await tokens.takeSecret();
    await expect(tokens.row(tokenId)).toContainText('ci-bot@service.example.com');
    await expect(tokens.row(tokenId)).toContainText('Service user');

    const bob = new PlatformTokensPage(bobPage);
    await bob.goto();
    await bob.openCreateForm();
    await expect(bobPage.getByRole('radio', { name: 'Service user' })).toBeDisabled();

    await tokens.delete(name, tokenId);
  });

  test("bob sees none of alice's tokens and cannot open them for duplication", async ({ alicePage, bobPage }) => {
    const alice = new PlatformTokensPage(alicePage);
    const name = unique('E2E private');
    const { tokenId } = await alice.generate({ name, account: 'Acme Corp', scopes: ['document:documents:read'] });
    try {
      const bob = new PlatformTokensPage(bobPage);
      await bob.goto();
      await expect(bobPage.getByText(tokenId)).toHaveCount(0);
      await expect(bobPage.getByRole('button', { name: `Actions for ${name}` })).toHaveCount(0);
      const response = await bobPage.goto(`/platform-tokens/new?duplicate=${tokenId}`);
      expect(response?.status()).toBe(404);
      await expect(bobPage.getByText(name)).toHaveCount(0);
    } finally {
      await alice.goto();
      await alice.delete(name, tokenId);
    }
  });

  test('refuses the 11th token in an account, naming the limit and the account', async ({ alicePage: page }) => {
    test.setTimeout(480_000);
    const tokens = new PlatformTokensPage(page);
    const prefix = unique('E2E limit');
    const made: { name: string; tokenId: string }[] = [];
    try {
      await tokens.goto();
      const pill = page.getByRole('list', { name: 'Your tokens per account' }).getByText(/^Globex: \d+ of 10/);
      const existing = Number(/Globex: (\d+) of/.exec((await pill.textContent()) ?? '')?.[1] ?? '0');
      for (let i = existing; i < 10; i++) {
        const name = `${prefix} ${i}`;
        const { tokenId } = await tokens.generate({ name, account: 'Globex', scopes: ['state:app-states:read'] });
        made.push({ name, tokenId });
      }
      await expect(pill).toHaveText('Globex: 10 of 10');

      // The form says so before anything is filled in, and Generate is unavailable with the reason.
      await page.getByRole('button', { name: 'Platform token' }).click();
      await page.getByLabel('Account', { exact: true }).selectOption({ label: 'Globex' });
      await expect(page.getByText('You have 10 of 10 platform tokens in Globex. Delete one to generate another.')).toBeVisible();
      const full = 'Globex already holds 10 of your 10 platform tokens, the most allowed: delete one there, or choose another account.';
      await expect(page.getByText(full, { exact: true })).toBeVisible();
      const generate = page.getByRole('button', { name: 'Generate' });
      await expect(generate).toBeDisabled();
      await expect(generate).toHaveAccessibleDescription(`Generate is unavailable: ${full}`);
      await page.getByLabel('Account', { exact: true }).selectOption({ label: 'Acme Corp' });
      await expect(generate).toBeEnabled();

      // Duplicating one of them is unavailable too, and says why; rotating stays open.
      await tokens.goto();
      const last = made[made.length - 1]!;
      await tokens.openActions(last.name);
      const duplicate = page.getByRole('menuitem', { name: 'Duplicate' });
      await expect(duplicate).toHaveAttribute('aria-disabled', 'true');
      await expect(duplicate).toHaveAccessibleDescription('You have 10 of 10 platform tokens in Globex. Delete one to duplicate this one.');
      // Choosing it anyway does nothing.
      await duplicate.click({ force: true });
      await expect(page).toHaveURL(/\/platform-tokens$/);
      // Rotating stays, only with the old token stopping at once: it would count until it expires.
      await page.getByRole('menuitem', { name: 'Rotate' }).click();
      const rotate = page.getByRole('dialog', { name: 'Rotate platform token' });
      await expect(rotate.getByRole('radio', { name: 'Immediately' })).toBeChecked();
      const later = rotate.getByRole('radio', { name: 'Later' });
      await expect(later).toBeDisabled();
      await expect(later).toHaveAccessibleDescription(
        'You have 10 of 10 platform tokens in Globex. The old token would count until it expires, so it can only stop immediately.',
      );
      await expect(rotate.getByLabel('Old token expires at')).toHaveCount(0);
      await rotate.getByRole('button', { name: 'Cancel' }).click();
      await expect(rotate).toHaveCount(0);
    } finally {
      await tokens.goto();
      for (const { name, tokenId } of made) await tokens.delete(name, tokenId);
    }
  });

  test('"Allowed client addresses": the form refuses what is not an address or block, and the token page lists them', async ({ bobPage: page }) => {
    const tokens = new PlatformTokensPage(page);
    const name = unique('E2E addresses');
    await tokens.goto();
    await tokens.openCreateForm();
    const addresses = page.getByLabel('Allowed client addresses');
    await addresses.fill('203.0.113.0/24, 10.0.0.300');
    await tokens.fillAndGenerate({ name, account: 'Acme Corp', scopes: ['document:documents:read'] });
    await expect(addresses).toHaveAccessibleDescription(/"10\.0\.0\.300" is not an IPv4 or IPv6 address or CIDR block/);
    await expect(tokens.secretDialog()).toBeHidden();

    await addresses.fill('203.0.113.0/24\n2001:DB8::/32');
    await page.getByRole('button', { name: 'Generate' }).click();
    const { tokenId } = await tokens.takeSecret();
    await page.goto(`/platform-tokens/${tokenId}`);
    const detail = page.getByRole('definition').filter({ hasText: '203.0.113.0/24' });
    await expect(detail.getByRole('listitem')).toHaveText(['203.0.113.0/24', '2001:db8::/32']);
    await tokens.goto();
    await tokens.delete(name, tokenId);
  });
});
