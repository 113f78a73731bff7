import { expect, type Locator, type Page } from '@playwright/test';
import { TOKEN_PATTERN } from '../../lib/tokens/shape.mjs';

export interface NewToken {
  name: string;
  account?: string;
  /** Environment names to reach; all of the account's when omitted. */
  environments?: string[];
  applyToAccount?: boolean;
  serviceUser?: string;
  scopes: string[];
  expiration?: string;
}

/** My platform tokens, its create form and dialogs, driven the way a person would. */
export class PlatformTokensPage {
  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto('/platform-tokens');
    await expect(this.page.getByRole('heading', { name: 'My platform tokens' })).toBeVisible();
  }

  async openCreateForm() {
    await this.page.getByRole('button', { name: 'Platform token' }).click();
    await expect(this.page.getByRole('heading', { name: 'Generate a platform token' })).toBeVisible();
    await expect(this.page.getByRole('button', { name: 'Generate' })).toBeEnabled();
  }

  row(tokenIdOrName: string): Locator {
    return this.page.getByRole('row').filter({ hasText: tokenIdOrName });
  }

  secretDialog(): Locator {
    return this.page.getByRole('dialog', { name: 'Your new platform token' });
  }

  /** Fills the create form (already open) and submits it. */
  async fillAndGenerate(token: NewToken) {
    const page = this.page;
    await page.getByLabel('Token name').fill(token.name);
    if (token.account) await page.getByLabel('Account', { exact: true }).selectOption({ label: token.account });
    if (token.expiration) await page.getByLabel('Expiration date', { exact: true }).selectOption({ label: token.expiration });
    if (token.applyToAccount) await page.getByLabel('Apply to account').check();
    if (token.environments) {
      const boxes = page.getByRole('group', { name: 'Environments' }).getByRole('checkbox');
      for (const box of await boxes.all()) await box.uncheck();
      for (const env of token.environments) await page.getByRole('checkbox', { name: env }).check();
    }
    if (token.serviceUser) {
      await page.getByRole('radio', { name: 'Service user' }).check();
      await page.getByLabel('Owner').selectOption({ label: token.serviceUser });
    }
    for (const scope of token.scopes) await page.getByRole('checkbox', { name: scope, exact: true }).check();
    await page.getByRole('button', { name: 'Generate' }).click();
  }

  /** Reads the secret from the secret dialog and closes it with "Finish and exit". */
  async takeSecret(): Promise<{ token: string; tokenId: string }> {
    const dialog = this.secretDialog();
    const field = dialog.getByRole('textbox', { name: 'Token' });
    await expect(field).toHaveValue(TOKEN_PATTERN);
    const token = await field.inputValue();
    await dialog.getByRole('button', { name: 'Finish and exit' }).click();
    await expect(dialog).toBeHidden();
    await expect(this.page).toHaveURL(/\/platform-tokens(\?|$)/);
    return { token, tokenId: token.slice(0, 31) };
  }

  async generate(token: NewToken): Promise<{ token: string; tokenId: string }> {
    await this.goto();
    await this.openCreateForm();
    await this.fillAndGenerate(token);
    return this.takeSecret();
  }

  async openActions(name: string) {
    await this.page.getByRole('button', { name: `Actions for ${name}`, exact: true }).click();
  }

  /** Picks an item of a row's "Actions" menu and confirms it in the dialog that names the token. */
  async act(name: string, tokenId: string, action: 'Disable' | 'Enable' | 'Delete') {
    await this.openActions(name);
    await this.page.getByRole('menuitem', { name: action }).click();
    const dialog = this.page.getByRole('alertdialog');
    await expect(dialog).toContainText(tokenId);
    await dialog.getByRole('button', { name: action }).click();
    await expect(dialog).toBeHidden();
  }

  async delete(name: string, tokenId: string) {
    await this.act(name, tokenId, 'Delete');
    await expect(this.row(tokenId)).toHaveCount(0);
  }
}
