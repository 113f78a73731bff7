import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

const ADMIN_PAGES = [
  '/platform-tokens',
  '/platform-tokens/new',
  '/api-explorer',
  '/outbox',
  '/accounts/acme/iam/platform-tokens',
  '/accounts/acme/iam/groups',
  '/accounts/acme/iam/policies',
  '/accounts/acme/iam/service-users',
  '/accounts/acme/iam/activity',
  '/accounts/acme/iam/simulator',
];

// Every check runs in light and in dark mode, which follows the system setting.
const SCHEMES = ['light', 'dark'] as const;

for (const colorScheme of SCHEMES) {
  test(`the sign-in page has no serious accessibility violation (${colorScheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme });
    await page.goto('/sign-in');
    expect(await seriousViolations(page)).toEqual([]);
  });

  for (const path of ADMIN_PAGES) {
    test(`${path} has no serious accessibility violation (${colorScheme})`, async ({ adminPage }) => {
      await adminPage.emulateMedia({ colorScheme });
      await adminPage.goto(path);
      await expect(adminPage.getByRole('main')).toBeVisible();
      expect(await seriousViolations(adminPage)).toEqual([]);
    });
  }
}

for (const colorScheme of SCHEMES) {
  test(`the secret dialog, a token page, the actions menu and a confirm dialog have no serious violation (${colorScheme})`, async ({ alicePage }) => {
    await alicePage.emulateMedia({ colorScheme });
    await alicePage.goto('/platform-tokens/new');
    await alicePage.getByLabel('Token name').fill('Accessibility check');
    await alicePage.getByRole('checkbox', { name: 'document:documents:read' }).check();
    await alicePage.getByRole('button', { name: 'Generate' }).click();
    const secret = alicePage.getByRole('dialog');
    await expect(secret.getByLabel('Token')).toBeVisible();
    expect(await seriousViolations(alicePage)).toEqual([]);
    await secret.getByRole('button', { name: 'Finish and exit' }).click();
    await expect(alicePage.getByRole('status').filter({ hasText: 'Generated' })).toBeVisible();
    expect(await seriousViolations(alicePage)).toEqual([]);
    await alicePage.getByRole('link', { name: 'Accessibility check' }).click();
    await expect(alicePage.getByRole('heading', { name: 'Accessibility check', level: 1 })).toBeVisible();
    expect(await seriousViolations(alicePage)).toEqual([]);
    await alicePage.goBack();
    await alicePage.getByRole('button', { name: 'Actions for Accessibility check' }).click();
    expect(await seriousViolations(alicePage)).toEqual([]);
    await alicePage.getByRole('menuitem', { name: 'Delete' }).click();
    const confirm = alicePage.getByRole('alertdialog');
    await expect(confirm).toBeVisible();
    expect(await seriousViolations(alicePage)).toEqual([]);
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await expect(alicePage.getByRole('button', { name: 'Actions for Accessibility check' })).toHaveCount(0);
  });
}
