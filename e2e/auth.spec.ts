import { expect, test } from './fixtures';
import { DEMO_PASSWORD, SignInPage, USERS } from './pages/sign-in-page';

test.describe('sign-in', () => {
  test('signs in and lands on My platform tokens', async ({ page }) => {
    const signIn = new SignInPage(page);
    await signIn.goto();
    await signIn.signIn(USERS.alice, DEMO_PASSWORD);
    await expect(page).toHaveURL(/\/platform-tokens$/);
    await expect(page.getByRole('heading', { name: 'My platform tokens' })).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My platform tokens' })).toBeVisible();
    await expect(page.getByTestId('signed-in-email')).toHaveText(USERS.alice);
  });

  test('a wrong password and an unknown email get the same message', async ({ page }) => {
    const signIn = new SignInPage(page);
    await signIn.goto();
    await signIn.signIn(USERS.alice, 'not-the-password');
    await expect(page.getByRole('alert').filter({ hasText: 'Invalid email or password' })).toBeVisible();
    await signIn.signIn('nobody@example.com', DEMO_PASSWORD);
    await expect(page.getByRole('alert').filter({ hasText: 'Invalid email or password' })).toBeVisible();
    await expect(page).toHaveURL(/\/sign-in/);
  });

  test('an empty password is named at its field', async ({ page }) => {
    const signIn = new SignInPage(page);
    await signIn.goto();
    await signIn.signIn(USERS.alice, '');
    await expect(page.getByText('Enter your password')).toBeVisible();
    await expect(page.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');
  });

  test('a signed-out visit goes to sign-in and comes back afterwards', async ({ page }) => {
    await page.goto('/platform-tokens?from=test');
    await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fplatform-tokens%3Ffrom%3Dtest/);
    await new SignInPage(page).signIn(USERS.bob, DEMO_PASSWORD);
    await expect(page).toHaveURL(/\/platform-tokens\?from=test$/);
  });

  test('sign-in refuses to send the browser to another site', async ({ page }) => {
    await page.goto('/sign-in?callbackUrl=//evil.example.com/');
    await new SignInPage(page).signIn(USERS.bob, DEMO_PASSWORD);
    await expect(page).toHaveURL(/127\.0\.0\.1:\d+\/platform-tokens$/);
  });

  test('signs out', async ({ page }) => {
    await new SignInPage(page).signInAs('bob');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await page.goto('/platform-tokens');
    await expect(page).toHaveURL(/\/sign-in/);
  });
});

test.describe('navigation', () => {
  test('members do not see the admin entry; admins do', async ({ alicePage, adminPage }) => {
    await alicePage.goto('/platform-tokens');
    const aliceNav = alicePage.getByRole('navigation', { name: 'Main' });
    await expect(aliceNav.getByRole('link', { name: 'My platform tokens' })).toBeVisible();
    await expect(aliceNav.getByRole('link', { name: /Identity & access management/ })).toHaveCount(0);

    await adminPage.goto('/platform-tokens');
    const adminNav = adminPage.getByRole('navigation', { name: 'Main' });
    await expect(adminNav.getByRole('link', { name: /Identity & access management/ }).first()).toBeVisible();
    await expect(adminPage.getByTestId('signed-in-email')).toHaveText(USERS.admin);
  });
});
