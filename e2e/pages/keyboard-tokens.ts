import { expect, type Page } from '@playwright/test';
import { TOKEN_PATTERN } from '../../lib/tokens/shape.mjs';
import { arrowTo, expectFocusWithin, isFocused, tabTo } from '../keyboard-helpers';

// My platform tokens driven by the keyboard alone: the create form, the secret dialog, the
// Actions menu and the delete confirmation.

export interface KeyboardToken {
  name: string;
  account: 'Acme Corp' | 'Globex';
  /** Environment to untick, leaving the others. */
  untick?: string;
  filter: string;
  scope: string;
}

/**
 * On My platform tokens (loaded): opens the create form, fills it and generates; leaves the secret
 * dialog open with focus inside it and returns its token ID.
 */
export async function generateByKeyboard(page: Page, token: KeyboardToken): Promise<string> {
  const openButton = page.getByRole('button', { name: 'Platform token', exact: true });
  await tabTo(page, openButton);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Generate a platform token' })).toBeVisible();
  const generate = page.getByRole('button', { name: 'Generate', exact: true });
  await expect(generate).toBeEnabled();

  await tabTo(page, page.getByLabel('Token name'));
  await page.keyboard.type(token.name);

  const account = page.getByLabel('Account', { exact: true });
  await tabTo(page, account);
  // A closed select takes typeahead: the first letters choose the option.
  await page.keyboard.type(token.account);
  await expect(account.locator('option:checked')).toHaveText(token.account);

  if (token.untick) {
    const box = page.getByRole('group', { name: 'Environments' }).getByRole('checkbox', { name: token.untick });
    await tabTo(page, box);
    await expect(box).toBeChecked();
    await page.keyboard.press('Space');
    await expect(box).not.toBeChecked();
  }

  await tabTo(page, page.getByRole('searchbox', { name: 'Filter scopes' }));
  await page.keyboard.type(token.filter);
  const scope = page.getByRole('checkbox', { name: token.scope, exact: true });
  await tabTo(page, scope);
  await page.keyboard.press('Space');
  await expect(scope).toBeChecked();
  await expect(page.getByText(/^1 of \d+ scopes selected$/)).toBeVisible();

  await tabTo(page, generate);
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Your new platform token' });
  await expect(dialog).toBeVisible();
  await expectFocusWithin(dialog);
  const secret = await dialog.getByRole('textbox', { name: 'Token' }).inputValue();
  expect(secret).toMatch(TOKEN_PATTERN);
  return secret.slice(0, 31);
}

/** In the open secret dialog: "Finish and exit" by keyboard. */
export async function finishByKeyboard(page: Page) {
  const dialog = page.getByRole('dialog', { name: 'Your new platform token' });
  await tabTo(page, dialog.getByRole('button', { name: 'Finish and exit' }));
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
}

/** On My platform tokens: opens a row's "Actions" menu with Enter and picks an item with the arrows. */
export async function chooseAction(page: Page, name: string, action: 'Disable' | 'Enable' | 'Rotate' | 'Duplicate' | 'Delete') {
  const trigger = page.getByRole('button', { name: `Actions for ${name}`, exact: true });
  await expect(trigger).toBeEnabled();
  await tabTo(page, trigger, { max: 200 });
  await page.keyboard.press('Enter');
  const menu = page.getByRole('menu');
  await expect(menu).toBeVisible();
  await expectFocusWithin(menu);
  await arrowTo(page, menu.getByRole('menuitem', { name: action }));
  await page.keyboard.press('Enter');
  await expect(menu).toBeHidden();
}

/**
 * Deletes one of my tokens through its Actions menu and the confirm dialog. Focus goes to the
 * search box, or to the outcome when the last token went and the table with it.
 */
export async function deleteByKeyboard(page: Page, name: string, tokenId: string) {
  await chooseAction(page, name, 'Delete');
  const confirm = page.getByRole('alertdialog', { name: 'Delete platform token?' });
  await expect(confirm).toContainText(tokenId);
  await expectFocusWithin(confirm);
  await tabTo(page, confirm.getByRole('button', { name: 'Delete' }));
  await page.keyboard.press('Enter');
  await expect(confirm).toBeHidden();
  await expect(page.getByRole('row').filter({ hasText: tokenId })).toHaveCount(0);
  const outcome = page.getByRole('status').filter({ hasText: `Deleted “${name}” (${tokenId}).` });
  await expect(outcome).toBeVisible();
  const search = page.getByRole('searchbox', { name: 'Search tokens' });
  await expect
    .poll(async () => ((await search.count()) > 0 ? isFocused(search) : isFocused(outcome)), { message: 'focus after deleting' })
    .toBe(true);
}
