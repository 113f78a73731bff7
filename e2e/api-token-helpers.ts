import { expect, type Page } from '@playwright/test';
import { TOKEN_PATTERN } from '../lib/tokens/shape.mjs';

// Generating and acting on a token through My platform tokens, as a person does, for the specs
// of the platform API and the API explorer.

export async function generateToken(page: Page, name: string, account: string, scopes: string[]): Promise<string> {
  await page.goto('/platform-tokens');
  // The button works once the page is interactive; retry the click until the form is there.
  await expect(async () => {
    await page.getByRole('button', { name: 'Platform token', exact: true }).click();
    await expect(page.getByLabel('Token name')).toBeVisible({ timeout: 2_000 });
  }).toPass();
  await page.getByLabel('Token name').fill(name);
  await page.getByLabel('Account', { exact: true }).selectOption({ label: account });
  for (const scope of scopes) await page.getByRole('checkbox', { name: scope, exact: true }).check();
  await page.getByRole('button', { name: 'Generate' }).click();
  const secret = page.getByRole('textbox', { name: 'Token' });
  await expect(secret).toHaveValue(TOKEN_PATTERN);
  const token = await secret.inputValue();
  await page.getByRole('button', { name: 'Finish and exit' }).click();
  return token;
}

/** Runs "Disable", "Enable" or "Delete" from the row's Actions menu and confirms it. */
export async function tokenAction(page: Page, name: string, action: 'Disable' | 'Enable' | 'Delete'): Promise<void> {
  await page.goto('/platform-tokens');
  await page.getByRole('button', { name: `Actions for ${name}` }).click();
  await page.getByRole('menuitem', { name: action }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: action }).click();
  await expect(page.getByRole('alertdialog')).toHaveCount(0);
  if (action === 'Delete') await expect(page.getByRole('button', { name: `Actions for ${name}` })).toHaveCount(0);
}
