import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { dateTimeKeys, expectFocusSettled, expectFocusWithin, tabTo } from './keyboard-helpers';
import { chooseAction, deleteByKeyboard, finishByKeyboard, generateByKeyboard } from './pages/keyboard-tokens';
import { PlatformTokensPage } from './pages/platform-tokens-page';

// Generate, rotate, bulk disable and policy editing with the keyboard alone: once a page has
// loaded, every move is a key press. Locators only assert what a keyboard user would find focused
// or on screen. Each test deletes what it creates.

const unique = (label: string) => `${label} ${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

/** Removes, with the page object, whatever a failed test left behind. */
async function removeLeftovers(page: Page, tokens: { name: string; tokenId: string | null }[]) {
  const list = new PlatformTokensPage(page);
  await list.goto();
  for (const { name, tokenId } of tokens) {
    if (tokenId && (await list.row(tokenId).count()) > 0) await list.delete(name, tokenId);
  }
}

test.describe('Keyboard only', () => {
  test('generate: the create form, the scopes table and the secret dialog, then delete', async ({ alicePage: page }) => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    const name = unique('KB generate');
    let tokenId: string | null = null;
    await page.goto('/platform-tokens');
    await expect(page.getByRole('heading', { name: 'My platform tokens' })).toBeVisible();
    try {
      tokenId = await generateByKeyboard(page, {
        name,
        account: 'Acme Corp',
        untick: 'Staging',
        filter: 'documents:read',
        scope: 'document:documents:read',
      });
      const dialog = page.getByRole('dialog', { name: 'Your new platform token' });
      await tabTo(page, dialog.getByRole('button', { name: 'Copy' }));
      await page.keyboard.press('Enter');
      await expect(dialog.getByRole('status')).toHaveText('Copied to the clipboard.');
      expect((await page.evaluate(() => navigator.clipboard.readText())).slice(0, 31)).toBe(tokenId);
      await finishByKeyboard(page);

      // Back on the list, focus is on the outcome rather than lost on the page.
      await expect(page).toHaveURL(/\/platform-tokens(\?|$)/);
      const outcome = page.getByRole('status').filter({ hasText: `Generated “${name}”` });
      await expect(outcome).toBeFocused();
      const row = page.getByRole('row').filter({ hasText: tokenId });
      await expect(row).toContainText('Active');
      await expect(row).toContainText('Production');
      await expect(row).not.toContainText('Staging');

      // Escape closes the menu and gives focus back to its button.
      const trigger = page.getByRole('button', { name: `Actions for ${name}`, exact: true });
      await tabTo(page, trigger, { max: 200 });
      await page.keyboard.press('Enter');
      await expect(page.getByRole('menuitem', { name: 'Disable' })).toBeFocused();
      await page.keyboard.press('Escape');
      await expect(page.getByRole('menu')).toBeHidden();
      await expect(trigger).toBeFocused();

      // A dialog opened from the menu gives focus back to the row's Actions button when cancelled.
      await chooseAction(page, name, 'Disable');
      const disable = page.getByRole('alertdialog', { name: 'Disable platform token?' });
      await expectFocusWithin(disable);
      await page.keyboard.press('Escape');
      await expect(disable).toBeHidden();
      await expectFocusSettled(page, trigger);
      await chooseAction(page, name, 'Rotate');
      const rotate = page.getByRole('dialog', { name: 'Rotate platform token' });
      await expectFocusWithin(rotate);
      await tabTo(page, rotate.getByRole('button', { name: 'Cancel' }));
      await page.keyboard.press('Enter');
      await expect(rotate).toBeHidden();
      await expectFocusSettled(page, trigger);

      await deleteByKeyboard(page, name, tokenId);
      tokenId = null;
    } finally {
      await removeLeftovers(page, [{ name, tokenId }]);
    }
  });

  for (const width of [1280, 390]) {
    test(`the create form at ${width} px: no field Tab reaches is hidden under the bar at the bottom`, async ({ alicePage: page }) => {
      await page.setViewportSize({ width, height: 800 });
      await page.goto('/platform-tokens/new');
      await page.getByLabel('Token name').focus();
      const footer = page.locator('[data-sticky-footer]');
      await expect(footer).toBeVisible();
      let checked = 0;
      // The fields, the environments and the scopes table's rows: the form is several windows tall here.
      for (let stop = 0; stop < 60; stop++) {
        await page.keyboard.press('Tab');
        const focus = await page.evaluate(() => {
          const active = document.activeElement;
          const bar = document.querySelector('[data-sticky-footer]');
          if (!active || !bar || bar.contains(active) || active === document.body) return null;
          const box = active.getBoundingClientRect();
          return { what: `${active.tagName} ${active.id || active.getAttribute('aria-label') || ''}`.trim(), bottom: box.bottom, barTop: bar.getBoundingClientRect().top };
        });
        if (!focus) continue;
        checked++;
        expect(focus.bottom, `${focus.what}, Tab stop ${stop + 1}`).toBeLessThanOrEqual(focus.barTop);
      }
      expect(checked).toBeGreaterThan(40);
    });
  }

  test('rotate: the Actions menu, "Later" with a date, the secret dialog, then delete both', async ({ alicePage: page }) => {
    const name = unique('KB rotate');
    let oldId: string | null = null;
    let newId: string | null = null;
    let newName = '';
    await page.goto('/platform-tokens');
    await expect(page.getByRole('heading', { name: 'My platform tokens' })).toBeVisible();
    try {
      oldId = await generateByKeyboard(page, { name, account: 'Acme Corp', filter: 'app-states:read', scope: 'state:app-states:read' });
      await finishByKeyboard(page);

      await chooseAction(page, name, 'Rotate');
      const dialog = page.getByRole('dialog', { name: 'Rotate platform token' });
      await expect(dialog).toContainText(oldId);
      await expectFocusWithin(dialog);

      // Arrow keys move between "Immediately" and "Later"; only "Later" asks for a date.
      const later = dialog.getByRole('radio', { name: 'Later' });
      await tabTo(page, later);
      await expect(later).toBeChecked();
      await page.keyboard.press('ArrowLeft');
      await expect(dialog.getByRole('radio', { name: 'Immediately' })).toBeChecked();
      await expect(dialog.getByLabel('Old token expires at')).toHaveCount(0);
      await page.keyboard.press('ArrowRight');
      await expect(later).toBeChecked();
      await expect(later).toBeFocused();

      const oldExpiresAt = dialog.getByLabel('Old token expires at');
      const at = new Date(Date.now() + 2 * 86_400_000);
      at.setHours(10, 30, 0, 0);
      const { value, keys } = await dateTimeKeys(page, at);
      await tabTo(page, oldExpiresAt);
      await page.keyboard.type(keys);
      await expect(oldExpiresAt).toHaveValue(value);

      newName = await dialog.getByLabel('Token name').inputValue();
      expect(newName.startsWith(`${name} `)).toBe(true);
      await tabTo(page, dialog.getByRole('button', { name: 'Rotate' }));
      await page.keyboard.press('Enter');

      const secret = page.getByRole('dialog', { name: 'Your new platform token' });
      await expect(secret).toBeVisible();
      await expectFocusWithin(secret);
      newId = (await secret.getByRole('textbox', { name: 'Token' }).inputValue()).slice(0, 31);
      await finishByKeyboard(page);

      // Focus goes back to the Actions button of the token that was rotated.
      await expectFocusSettled(page, page.getByRole('button', { name: `Actions for ${name}`, exact: true }));
      await expect(page.getByRole('status').filter({ hasText: 'Rotated' })).toContainText(newId);
      const oldRow = page.getByRole('row').filter({ hasText: `Rotated to ${newId}` });
      await expect(oldRow).toContainText(oldId);
      await expect(oldRow).toContainText('Active');
      await expect(oldRow).toContainText('stops');
      const newRow = page.getByRole('row').filter({ hasText: `Rotated from ${oldId}` });
      await expect(newRow).toContainText(newId);
      await expect(newRow).toContainText('Active');

      await deleteByKeyboard(page, newName, newId);
      newId = null;
      await deleteByKeyboard(page, name, oldId);
      oldId = null;
    } finally {
      await removeLeftovers(page, [
        { name: newName, tokenId: newId },
        { name, tokenId: oldId },
      ]);
    }
  });

  test('bulk disable: select two rows, "Disable", confirm; then delete them the same way', async ({ adminPage: page }) => {
    const prefix = unique('KB bulk');
    const ids: (string | null)[] = [];
    await page.goto('/platform-tokens');
    await expect(page.getByRole('heading', { name: 'My platform tokens' })).toBeVisible();
    try {
      for (const n of [1, 2]) {
        ids.push(await generateByKeyboard(page, { name: `${prefix} ${n}`, account: 'Acme Corp', filter: 'logs:read', scope: 'storage:logs:read' }));
        await finishByKeyboard(page);
      }

      await tabTo(page, page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Identity & access management', exact: true }));
      await page.keyboard.press('Enter');
      await expect(page.getByRole('heading', { name: 'Platform tokens', level: 1 })).toBeVisible();
      await expect(page).toHaveURL(/\/accounts\/acme\/iam\/platform-tokens/);

      await tabTo(page, page.getByRole('searchbox', { name: 'Search tokens' }));
      await page.keyboard.type(prefix);
      await expect(page).toHaveURL(/[?&]q=/);
      const rows = page.getByRole('row').filter({ hasText: prefix });
      await expect(rows).toHaveCount(2);

      for (const n of [1, 2]) {
        const box = page.getByRole('checkbox', { name: `Select ${prefix} ${n}` });
        await tabTo(page, box);
        await page.keyboard.press('Space');
        await expect(box).toBeChecked();
      }
      const bar = page.getByRole('group', { name: 'Act on the selected tokens' });
      await expect(bar).toContainText('2 selected');
      const disable = bar.getByRole('button', { name: 'Disable', exact: true });
      await tabTo(page, disable);
      await page.keyboard.press('Enter');

      const confirm = page.getByRole('alertdialog', { name: 'Disable 2 tokens?' });
      await expect(confirm).toBeVisible();
      await expectFocusWithin(confirm);
      for (const id of ids) await expect(confirm).toContainText(id ?? '');
      await tabTo(page, confirm.getByRole('button', { name: 'Disable' }));
      await page.keyboard.press('Enter');
      await expect(confirm).toBeHidden();
      await expect(page.getByRole('status').filter({ hasText: 'Disabled 2 tokens.' })).toBeFocused();
      for (const id of ids) await expect(page.getByRole('row').filter({ hasText: id ?? '' })).toContainText('Disabled');

      // Clean up the same way: the page's select-all checkbox and "Delete".
      const all = page.getByRole('checkbox', { name: 'Select all tokens on this page' });
      await tabTo(page, all);
      await page.keyboard.press('Space');
      await expect(bar).toContainText('2 selected');
      await tabTo(page, bar.getByRole('button', { name: 'Delete', exact: true }));
      await page.keyboard.press('Enter');
      const remove = page.getByRole('alertdialog', { name: 'Delete 2 tokens?' });
      await expectFocusWithin(remove);
      await tabTo(page, remove.getByRole('button', { name: 'Delete' }));
      await page.keyboard.press('Enter');
      await expect(page.getByRole('status').filter({ hasText: 'Deleted 2 tokens.' })).toBeFocused();
      await expect(rows).toHaveCount(0);
      ids.length = 0;
    } finally {
      await removeLeftovers(
        page,
        ids.map((tokenId, i) => ({ name: `${prefix} ${i + 1}`, tokenId })),
      );
    }
  });

  test('policy editing: create with a parse error announced at the field, fix, save, edit, delete', async ({ adminPage: page }) => {
    const name = unique('KB policy');
    await page.goto('/accounts/acme/iam/policies');
    await expect(page.getByRole('heading', { name: 'Policies', level: 1 })).toBeVisible();
    try {
      await tabTo(page, page.getByRole('link', { name: 'Create policy' }));
      await page.keyboard.press('Enter');
      await expect(page).toHaveURL(/\/policies\/new$/);
      await tabTo(page, page.getByLabel('Policy name'));
      await page.keyboard.type(name);

      const statements = page.getByLabel('Statements');
      await tabTo(page, statements);
      await page.keyboard.type('// Logs only\nALLOW storage:logz:read;');
      const problem = "Line 2, column 7: Unknown permission 'storage:logz:read'";
      // Shown, tied to the field, and in a live region so that it is announced while typing.
      await expect(statements).toHaveAttribute('aria-invalid', 'true');
      await expect(statements).toHaveAccessibleDescription(new RegExp(problem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      await expect(page.getByRole('status').filter({ hasText: problem })).toBeVisible();

      // Tab leaves the editor for "Go to error", which puts the cursor back at the error.
      await page.keyboard.press('Tab');
      await expect(page.getByRole('button', { name: 'Go to error' })).toBeFocused();
      await page.keyboard.press('Enter');
      await expect(statements).toBeFocused();
      await expect(page.getByTestId('cursor-position')).toHaveText('Line 2, column 7');

      // Fix the word in place: past "storage:", select "logz" and type over it.
      for (let i = 0; i < 'storage:'.length; i++) await page.keyboard.press('ArrowRight');
      for (let i = 0; i < 4; i++) await page.keyboard.press('Shift+ArrowRight');
      await page.keyboard.type('logs');
      await expect(statements).toHaveValue('// Logs only\nALLOW storage:logs:read;');
      await expect(page.getByRole('status').filter({ hasText: 'No errors · 1 statement' })).toBeVisible();
      await expect(statements).not.toHaveAttribute('aria-invalid', 'true');

      await tabTo(page, page.getByRole('button', { name: 'Create policy' }));
      await page.keyboard.press('Enter');
      await expect(page).toHaveURL(/\/iam\/policies$/);
      const row = page.getByRole('row', { name: new RegExp(name) });
      await expect(row).toBeVisible();
      await expect(row.getByRole('cell').nth(2)).toHaveText('1');
      await expect(page.getByRole('heading', { name: 'Policies', level: 1 })).toBeFocused();

      // Edit: add a statement at the end and save.
      await tabTo(page, page.getByRole('link', { name: `Edit ${name}` }));
      await page.keyboard.press('Enter');
      await expect(page.getByRole('heading', { name: `Edit policy ${name}` })).toBeVisible();
      await tabTo(page, statements);
      await page.keyboard.press('Control+End');
      await page.keyboard.type('\nDENY storage:logs:write;');
      await expect(page.getByRole('status').filter({ hasText: 'No errors · 2 statements' })).toBeVisible();
      await tabTo(page, page.getByRole('button', { name: 'Save policy' }));
      await page.keyboard.press('Enter');
      await expect(page).toHaveURL(/\/iam\/policies$/);
      await expect(row.getByRole('cell').nth(2)).toHaveText('2');
      await expect(page.getByRole('heading', { name: 'Policies', level: 1 })).toBeFocused();

      // Escape cancels and gives focus back to the button that asked.
      const deleteButton = page.getByRole('button', { name: `Delete ${name}` });
      await tabTo(page, deleteButton);
      await page.keyboard.press('Enter');
      const confirm = page.getByRole('alertdialog', { name: `Delete policy ${name}?` });
      await expectFocusWithin(confirm);
      await page.keyboard.press('Escape');
      await expect(confirm).toBeHidden();
      await expect(deleteButton).toBeFocused();

      // Delete from the list; focus lands on the outcome, not on the page.
      await page.keyboard.press('Enter');
      await expectFocusWithin(confirm);
      await tabTo(page, confirm.getByRole('button', { name: 'Delete' }));
      await page.keyboard.press('Enter');
      await expect(confirm).toBeHidden();
      await expect(row).toHaveCount(0);
      await expect(page.getByRole('status').filter({ hasText: `Deleted policy ${name}.` })).toBeFocused();
    } finally {
      await page.goto('/accounts/acme/iam/policies');
      const left = page.getByRole('button', { name: `Delete ${name}` });
      if ((await left.count()) > 0) {
        await left.click();
        await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
        await expect(left).toHaveCount(0);
      }
    }
  });
});
