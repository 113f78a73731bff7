import { expect, test, type Browser, type Page } from '@playwright/test';
import { PlatformTokensPage } from './pages/platform-tokens-page';
import { signInAtProvider, SSO_NAME, startEmptyPortal, type EmptyPortal } from './people/empty-portal';

// An organization installs the portal empty and brings its people in: from the setup code in the
// server log to a member whose session and token end when an admin removes them. Then single
// sign-on against a real OpenID provider. One portal for the whole file, in order.

test.describe.configure({ mode: 'serial' });

const ADMIN = { name: 'Peter Gibbons', email: 'peter@initech.example', password: 'tps reports every friday' };
const MEMBER = { name: 'Milton Waddams', email: 'milton@initech.example', password: 'my red stapler 1979' };

let portal: EmptyPortal;
let adminPage: Page;

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000);
  portal = await startEmptyPortal();
  adminPage = await newPage(browser);
});
// A failure comes with the server's own account of it (its setup code is void by then).
test.afterEach(async ({}, testInfo) => {
  if (portal && testInfo.status !== testInfo.expectedStatus) await testInfo.attach('portal log', { body: portal.log(), contentType: 'text/plain' });
});
test.afterAll(async () => {
  await adminPage?.context().close();
  await portal?.stop();
});

async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ baseURL: portal.url });
  return context.newPage();
}

/** At a phone's width the page itself never scrolls sideways (a wide table scrolls in its box). */
async function expectNoSidewaysScrollOnPhone(page: Page) {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
  if (size) await page.setViewportSize(size);
}

async function api(path: string, token: string) {
  return fetch(`${portal.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
}

test('setup with the code from the server log creates the account, its Production environment and its admin', async () => {
  const page = adminPage;
  expect(portal.log()).toContain(`${portal.url}/setup`);
  await page.goto('/setup');
  await page.getByLabel('Setup code').fill('AAAAA-BBBBB-CCCCC-DDDDD');
  await page.getByLabel('Account name').fill('Initech');
  await page.getByLabel('Your name').fill(ADMIN.name);
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
  await page.getByLabel('Confirm password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Set up' }).click();
  await expect(page.getByText('This setup code is not valid.')).toBeVisible();

  await page.getByLabel('Setup code').fill(portal.setupCode.toLowerCase());
  await page.getByRole('button', { name: 'Set up' }).click();
  await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
  await expect(page).toHaveURL(/\/accounts\/initech\/iam\/users$/);
  await expect(page.getByRole('row').filter({ hasText: ADMIN.email })).toContainText('Account admin');
  await expect(page.getByRole('link', { name: 'Accounts' })).toBeVisible();

  // Once done, setup is gone.
  const again = await page.request.get('/setup');
  expect(again.status()).toBe(404);
});

let stagingToken = '';
let memberPage: Page;

test('an admin adds an environment and invites a member, who accepts and generates a token that works there', async ({ browser }) => {
  const page = adminPage;
  await page.getByRole('link', { name: 'Environments', exact: true }).click();
  await expect(page.getByRole('row').filter({ hasText: 'initech-prod' })).toContainText('Production');
  await page.getByRole('button', { name: 'Add environment' }).click();
  const add = page.getByRole('dialog', { name: 'Add environment' });
  await add.getByLabel('Name').fill('Staging Initech');
  await expect(add.getByLabel('Environment ID')).toHaveValue('staging-initech');
  await add.getByRole('button', { name: 'Add environment' }).click();
  await expect(add).toBeHidden();
  await expect(page.getByRole('row').filter({ hasText: 'staging-initech' })).toContainText('Staging Initech');
  await expectNoSidewaysScrollOnPhone(page);

  await page.getByRole('link', { name: 'Users', exact: true }).click();
  await page.getByRole('button', { name: 'Invite user' }).click();
  const invite = page.getByRole('dialog', { name: 'Invite user' });
  await invite.getByLabel('Email').fill(MEMBER.email);
  await invite.getByLabel('Role').selectOption({ label: 'Member' });
  await invite.getByRole('checkbox', { name: 'Administrators' }).check();
  await invite.getByRole('button', { name: 'Invite user' }).click();
  const shown = page.getByRole('dialog', { name: `Invitation for ${MEMBER.email}` });
  const link = await shown.getByRole('textbox', { name: 'Invitation link' }).inputValue();
  expect(link).toMatch(new RegExp(`^${portal.url}/invitations/[A-Za-z0-9_-]{43}$`));
  await shown.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByRole('row').filter({ hasText: MEMBER.email })).toContainText('Invited');
  await expectNoSidewaysScrollOnPhone(page);
  // The email went out with the same link; the server log never shows it.
  await expect.poll(() => portal.smtp.received.length).toBeGreaterThan(0);
  expect(portal.smtp.received.at(-1)!.data.replace(/=\n/g, '')).toContain(link.slice(-20));
  expect(portal.log()).not.toContain(link.slice(-43));

  memberPage = await newPage(browser);
  await memberPage.goto(link);
  await expect(memberPage.getByText('You are invited to join Initech as member')).toBeVisible();
  await memberPage.getByLabel('Your name').fill(MEMBER.name);
  await memberPage.getByLabel('Password', { exact: true }).fill('password1234');
  await memberPage.getByLabel('Confirm password').fill('password1234');
  await memberPage.getByRole('button', { name: 'Accept invitation' }).click();
  await expect(memberPage.getByText('This password is too easy to guess. Choose another one.')).toBeVisible();
  await memberPage.getByLabel('Password', { exact: true }).fill(MEMBER.password);
  await memberPage.getByLabel('Confirm password').fill(MEMBER.password);
  await memberPage.getByRole('button', { name: 'Accept invitation' }).click();
  await expect(memberPage.getByRole('heading', { name: 'My platform tokens' })).toBeVisible();

  // The link worked once.
  const used = await newPage(browser);
  await used.goto(link);
  await expect(used.getByText('This invitation has been used already.')).toBeVisible();
  await used.context().close();

  const tokens = new PlatformTokensPage(memberPage);
  const { token } = await tokens.generate({ name: 'Staging docs', environments: ['Staging Initech'], scopes: ['document:documents:read'] });
  stagingToken = token;
  expect((await api('/e/staging-initech/platform/document/v1/documents', token)).status).toBe(200);
  expect((await api('/e/initech-prod/platform/document/v1/documents', token)).status).toBe(403);
});

test('the admin removes the member: their session and their token stop working', async () => {
  const page = adminPage;
  await page.reload();
  await page.getByRole('button', { name: `Remove from account ${MEMBER.email}` }).click();
  const confirm = page.getByRole('alertdialog', { name: `Remove ${MEMBER.email} from the account?` });
  await expect(confirm.getByRole('list', { name: 'Tokens that are disabled' })).toContainText('Staging docs');
  await confirm.getByRole('button', { name: 'Remove from account' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Removed ${MEMBER.email} from the account; disabled 1 token.` })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: MEMBER.email })).toHaveCount(0);

  expect((await api('/e/staging-initech/platform/document/v1/documents', stagingToken)).status).toBe(401);
  await memberPage.reload();
  await expect(memberPage.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await memberPage.context().close();

  // Neither the token nor a password ever reached the server log.
  for (const secret of [stagingToken, MEMBER.password, ADMIN.password]) expect(portal.log()).not.toContain(secret);

  await page.getByRole('link', { name: 'Activity' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'Removed from account' })).toContainText(MEMBER.email);
});

test('single sign-on: a known verified email signs in, unknown and unverified ones are refused, an invitation is accepted through it', async ({ browser }) => {
  const known = await newPage(browser);
  await known.goto('/sign-in');
  await known.getByRole('button', { name: `Sign in with ${SSO_NAME}` }).click();
  await signInAtProvider(known, portal.url, ADMIN.email);
  await expect(known.getByRole('heading', { name: 'My platform tokens' })).toBeVisible();
  await expect(known.getByTestId('signed-in-email')).toHaveText(ADMIN.email);
  await known.getByRole('button', { name: 'Sign out' }).click();
  await expect(known.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await known.context().close();

  for (const [login, message] of [
    ['stranger@initech.example', 'Nobody with your email can sign in here.'],
    ['unverified@initech.example', 'Your identity provider has not verified your email address'],
  ] as const) {
    const page = await newPage(browser);
    await page.goto('/sign-in');
    await page.getByRole('button', { name: `Sign in with ${SSO_NAME}` }).click();
    await signInAtProvider(page, portal.url, login);
    await expect(page.getByRole('alert').filter({ hasText: message })).toBeVisible();
    expect((await page.request.get('/platform-tokens', { maxRedirects: 0 })).status()).toBe(307);
    await page.context().close();
  }

  // Invited, and signing in with single sign-on accepts the invitation.
  await adminPage.goto('/accounts/initech/iam/users');
  await adminPage.getByRole('button', { name: 'Invite user' }).click();
  const invite = adminPage.getByRole('dialog', { name: 'Invite user' });
  await invite.getByLabel('Email').fill('samir@initech.example');
  await invite.getByRole('button', { name: 'Invite user' }).click();
  const link = await adminPage.getByRole('textbox', { name: 'Invitation link' }).inputValue();
  await adminPage.getByRole('button', { name: 'Done' }).click();

  const samir = await newPage(browser);
  await samir.goto(link);
  await samir.getByRole('button', { name: `Sign in with ${SSO_NAME}` }).click();
  await signInAtProvider(samir, portal.url, 'samir@initech.example');
  await expect(samir.getByRole('heading', { name: 'My platform tokens' })).toBeVisible();
  await samir.getByRole('link', { name: 'samir@initech.example' }).click();
  await expect(samir.getByRole('row').filter({ hasText: 'Initech' })).toContainText('Member');
  await samir.context().close();
  await adminPage.reload();
  await expect(adminPage.getByRole('row').filter({ hasText: 'samir@initech.example' })).toContainText('Active');
});
