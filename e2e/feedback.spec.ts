import { expect, storageStatePath, test } from './fixtures';

// What the portal tells a reader while and after they act: a bar while a slow page loads, and
// times in one zone, the reader's, in the filters and the table alike.

test('a slow navigation shows the progress bar until the next page is there', async ({ adminPage: page }) => {
  const bar = page.getByRole('progressbar', { name: 'Loading the page' });
  await page.goto('/accounts/acme/iam/platform-tokens');
  await page.waitForLoadState('networkidle');

  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/accounts/acme/iam/groups**', async (route) => {
    await held;
    await route.continue();
  });
  await page.getByRole('navigation', { name: 'Identity & access management' }).getByRole('link', { name: 'Groups' }).click();
  await expect(bar).toBeVisible();
  await expect(page).not.toHaveURL(/\/iam\/groups/);
  release();
  await expect(page).toHaveURL(/\/iam\/groups$/);
  await expect(page.getByRole('heading', { name: 'Groups' }).first()).toBeVisible();
  await expect(bar).toHaveCount(0);
});

test('Activity shows its times in the reader’s time zone, and its filters use the same zone', async ({ browser }) => {
  const context = await browser.newContext({ storageState: storageStatePath('admin'), timezoneId: 'Pacific/Auckland' });
  const page = await context.newPage();
  try {
    await page.goto('/accounts/acme/iam/activity');
    await expect(page.getByText('Days and times are in your time zone, Pacific/Auckland.')).toBeVisible();
    const first = page.getByRole('table').getByRole('row').nth(1).locator('time').first();
    await expect(first).toHaveAccessibleDescription(/\(Pacific\/Auckland\)$/);

    // A filter sent from here names the zone its days are in.
    const from = page.getByLabel('From');
    await from.fill('2020-01-01');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page).toHaveURL(/[?&]tz=Pacific%2FAuckland(&|$)/);
    await expect(page).toHaveURL(/[?&]from=2020-01-01(&|$)/);
    await expect(page.getByText('Days and times are in your time zone, Pacific/Auckland.')).toBeVisible();
  } finally {
    await context.close();
  }
});
