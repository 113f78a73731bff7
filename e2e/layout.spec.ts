import type { Browser, Page } from '@playwright/test';
import { generateToken, tokenAction } from './api-token-helpers';
import { expect, storageStatePath, test } from './fixtures';
import type { DemoUser } from './pages/sign-in-page';

// At a desktop's, a laptop's and a phone's width no page and no dialog scrolls sideways: wide
// content (tables, code, long names) fits or scrolls inside its own frame. Signed in as each demo
// user, since each sees other pages and other navigation.

const WIDTHS = [1440, 1280, 390] as const;
const PAGES: Record<DemoUser, string[]> = {
  alice: ['/platform-tokens', '/platform-tokens/new', '/api-explorer', '/outbox'],
  bob: ['/platform-tokens', '/platform-tokens/new', '/api-explorer', '/outbox'],
  admin: [
    '/platform-tokens',
    '/platform-tokens/new',
    '/api-explorer',
    '/outbox',
    ...['platform-tokens', 'groups', 'policies', 'policies/new', 'service-users', 'activity', 'simulator'].map((p) => `/accounts/acme/iam/${p}`),
    '/accounts/globex/iam/platform-tokens',
  ],
};

const NAME = `Layout check ${Date.now().toString(36)}`;
let tokenPage = '';

// React announces each commit to a developer-tools hook when the page defines one; this one only
// notes when the last commit was, so a check can wait until the page has hydrated and rendered
// what it renders on the client (times in the reader's zone, menus), then stayed still.
const QUIET_MS = 150;
function noteCommits() {
  const commits = { count: 0, last: 0 };
  Object.assign(window, {
    __layoutCommits: commits,
    __REACT_DEVTOOLS_GLOBAL_HOOK__: {
      supportsFiber: true,
      inject: () => 1,
      onCommitFiberRoot: () => {
        commits.count += 1;
        commits.last = performance.now();
      },
    },
  });
}

async function signedIn(browser: Browser, user: DemoUser, width: number): Promise<Page> {
  const context = await browser.newContext({ storageState: storageStatePath(user), viewport: { width, height: 900 } });
  await context.addInitScript(noteCommits);
  return context.newPage();
}

/** Waits until React has committed at least once on this document, nothing since for QUIET_MS, and the fonts are in. */
async function settled(page: Page) {
  await page.waitForFunction(
    (quietMs) => {
      const commits = (window as unknown as { __layoutCommits?: { count: number; last: number } }).__layoutCommits;
      return !!commits && commits.count > 0 && performance.now() - commits.last >= quietMs && document.fonts.status === 'loaded';
    },
    QUIET_MS,
    { polling: 50 },
  );
}

async function expectNoSidewaysScroll(page: Page, what: string) {
  // Times and menus settle once the page is interactive.
  await settled(page);
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth, `${what} is ${scrollWidth} px wide in a ${innerWidth} px window`).toBeLessThanOrEqual(innerWidth);
}

test.describe('Layout at every width', () => {
  test.beforeAll(async ({ browser }) => {
    const page = await signedIn(browser, 'alice', 1280);
    const token = await generateToken(page, NAME, 'Acme Corp', ['document:documents:read', 'storage:logs:read']);
    tokenPage = `/platform-tokens/${token.slice(0, 31)}`;
    await page.context().close();
  });

  test.afterAll(async ({ browser }) => {
    const page = await signedIn(browser, 'alice', 1280);
    await page.goto(tokenPage);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await expect(page).toHaveURL(/\/platform-tokens$/);
    await page.context().close();
  });

  for (const user of ['alice', 'bob', 'admin'] as const) {
    for (const width of WIDTHS) {
      test(`${user}'s pages fit ${width} px`, async ({ browser }) => {
        test.setTimeout(180_000);
        const page = await signedIn(browser, user, width);
        const paths = user === 'bob' ? PAGES[user] : [...PAGES[user], tokenPage];
        for (const path of paths) {
          const response = await page.goto(path);
          expect(response?.status(), path).toBe(200);
          await expectNoSidewaysScroll(page, path);
        }
        if (user === 'admin') {
          // A group's and a policy's own page.
          for (const [list, link] of [
            ['/accounts/acme/iam/groups', 'Developers'],
            ['/accounts/acme/iam/policies', null],
          ] as const) {
            await page.goto(list);
            const target = link
              ? page.getByRole('link', { name: link, exact: true })
              : page.getByRole('table').getByRole('link').first();
            await target.click();
            await expect(page).not.toHaveURL(new RegExp(`${list}$`));
            await expectNoSidewaysScroll(page, page.url());
          }
        }
        if (width === 390) {
          // On a phone the navigation folds into "Menu".
          await page.goto('/platform-tokens');
          const nav = page.getByRole('navigation', { name: 'Main' });
          await expect(nav).toBeHidden();
          await page.getByRole('button', { name: 'Menu' }).click();
          await expect(nav.getByRole('link', { name: 'API explorer' })).toBeVisible();
          await expectNoSidewaysScroll(page, 'the open menu');
          await nav.getByRole('link', { name: 'API explorer' }).click();
          await expect(page.getByRole('heading', { name: 'API explorer', level: 1 })).toBeVisible();
          await expect(nav).toBeHidden();
        }
        await page.context().close();
      });
    }
  }

  for (const width of WIDTHS) {
    test(`the token dialogs, the Actions menu and the explorer's answer fit ${width} px`, async ({ browser }) => {
      test.setTimeout(180_000);
      const page = await signedIn(browser, 'alice', width);
      await page.goto('/platform-tokens');
      await page.getByRole('button', { name: `Actions for ${NAME}` }).click();
      await expect(page.getByRole('menu')).toBeVisible();
      await expectNoSidewaysScroll(page, 'the Actions menu');
      await page.getByRole('menuitem', { name: 'Disable' }).click();
      await expect(page.getByRole('alertdialog')).toBeVisible();
      await expectNoSidewaysScroll(page, 'the Disable dialog');
      await page.getByRole('alertdialog').getByRole('button', { name: 'Cancel' }).click();

      await page.getByRole('button', { name: `Actions for ${NAME}` }).click();
      await page.getByRole('menuitem', { name: 'Rotate' }).click();
      const rotate = page.getByRole('dialog', { name: 'Rotate platform token' });
      await expect(rotate).toBeVisible();
      await expectNoSidewaysScroll(page, 'the Rotate dialog');
      await rotate.getByRole('button', { name: 'Cancel' }).click();

      // The whole token is on screen in the secret dialog, wrapped rather than cut off.
      await page.goto('/platform-tokens/new');
      await page.getByLabel('Token name').fill(`${NAME} secret`);
      await page.getByRole('checkbox', { name: 'document:documents:read', exact: true }).check();
      await page.getByRole('button', { name: 'Generate' }).click();
      const secret = page.getByRole('dialog', { name: 'Your new platform token' });
      const field = secret.getByRole('textbox', { name: 'Token' });
      await expect(field).toHaveValue(/^dt0s16\./);
      await expectNoSidewaysScroll(page, 'the secret dialog');
      const fits = await field.evaluate((el) => el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight + 1);
      expect(fits, 'the whole token is visible').toBe(true);
      await secret.getByRole('button', { name: 'Finish and exit' }).click();
      await page.getByRole('button', { name: `Actions for ${NAME} secret` }).click();
      await page.getByRole('menuitem', { name: 'Delete' }).click();
      await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
      await expect(page.getByRole('button', { name: `Actions for ${NAME} secret` })).toHaveCount(0);

      await page.goto('/api-explorer');
      const list = page.getByRole('region', { name: 'GET /document/v1/documents', exact: true });
      await list.getByRole('button', { name: 'Try it out' }).click();
      await list.getByRole('button', { name: 'Send' }).click();
      await expect(list.getByTestId('response-status')).toHaveText(/^401/);
      await expectNoSidewaysScroll(page, "the explorer's answer");
      await page.context().close();
    });

    test(`the admin's bulk and group dialogs fit ${width} px`, async ({ browser }) => {
      const page = await signedIn(browser, 'admin', width);
      await page.goto(`/accounts/acme/iam/platform-tokens?q=${encodeURIComponent(NAME)}`);
      await page.getByRole('checkbox', { name: 'Select all tokens on this page' }).check();
      await page.getByRole('button', { name: 'Disable', exact: true }).click();
      await expect(page.getByRole('alertdialog')).toBeVisible();
      await expectNoSidewaysScroll(page, 'the bulk Disable dialog');
      await page.getByRole('alertdialog').getByRole('button', { name: 'Cancel' }).click();
      await page.getByRole('button', { name: `Actions for ${NAME}` }).click();
      await expect(page.getByRole('menu')).toBeVisible();
      await expectNoSidewaysScroll(page, "the admin's Actions menu");
      await page.keyboard.press('Escape');

      await page.goto('/accounts/acme/iam/groups');
      await page.getByRole('button', { name: 'Create group' }).click();
      await expect(page.getByRole('dialog')).toBeVisible();
      await expectNoSidewaysScroll(page, 'the Create group dialog');
      await page.context().close();
    });
  }
});

// Opening a list prefetches no other list: each would be a full query the person may never see.
test.describe('Prefetching', () => {
  // A token in both lists, so that each has rows whose links could prefetch.
  const name = `Prefetch check ${Date.now().toString(36)}`;
  test.beforeAll(async ({ browser }) => {
    const page = await signedIn(browser, 'alice', 1280);
    await generateToken(page, name, 'Acme Corp', ['document:documents:read']);
    await page.context().close();
  });
  test.afterAll(async ({ browser }) => {
    const page = await signedIn(browser, 'alice', 1280);
    await tokenAction(page, name, 'Delete');
    await page.context().close();
  });

  const HEAVY = /^\/(platform-tokens|outbox|accounts\/[^/]+\/iam\/(platform-tokens|activity|groups|policies|service-users))\/?$/;

  for (const [user, path] of [
    ['alice', '/platform-tokens'],
    ['admin', '/accounts/acme/iam/platform-tokens'],
    ['admin', '/accounts/acme/iam/activity'],
    ['admin', '/accounts/acme/iam/groups'],
    ['admin', '/accounts/acme/iam/policies'],
  ] as const) {
    test(`${path} prefetches no list (${user})`, async ({ browser }) => {
      const page = await signedIn(browser, user, 1440);
      const prefetched: string[] = [];
      page.on('request', (request) => {
        const headers = request.headers();
        if (headers['next-router-prefetch'] || headers['purpose'] === 'prefetch') prefetched.push(request.url());
      });
      await page.goto(path);
      await page.waitForLoadState('networkidle');
      // Hovering a link is the other moment Next.js prefetches (a list may have none).
      const links = page.getByRole('main').getByRole('link');
      if ((await links.count()) > 0) {
        await links.first().hover();
        await page.waitForLoadState('networkidle');
      }
      const lists = prefetched.filter((url) => HEAVY.test(new URL(url).pathname) || new URL(url).search.replace(/_rsc=[^&]*&?/, '').length > 1);
      expect(lists, `prefetched from ${path}: ${prefetched.join(', ') || 'nothing'}`).toEqual([]);
      await page.context().close();
    });
  }
});

test.describe('The shell', () => {
  test("names the app in the title, has a favicon, and no page asks for anything that is not there", async ({ browser }) => {
    const page = await signedIn(browser, 'admin', 1280);
    const missing: string[] = [];
    page.on('response', (response) => {
      if (response.status() === 404) missing.push(response.url());
    });
    for (const path of ['/platform-tokens', '/platform-tokens/new', '/api-explorer', '/accounts/acme/iam/platform-tokens']) {
      await page.goto(path);
      await page.waitForLoadState('networkidle');
    }
    expect(missing).toEqual([]);
    await page.goto('/platform-tokens');
    await expect(page).toHaveTitle('My platform tokens · Platform tokens portal');
    const icon = await page.locator('link[rel="icon"]').first().getAttribute('href');
    expect(icon).toBeTruthy();
    const response = await page.request.get(icon!);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toMatch(/^image\//);
    await page.context().close();
  });
});
