import { test as base, type Page } from '@playwright/test';
import type { DemoUser } from './pages/sign-in-page';

// Per port (playwright.config.ts always sets E2E_PORT), so that suites against different servers
// do not share sessions; global.teardown.ts removes them after the run.
export const storageStatePath = (user: DemoUser) => `e2e/.auth/${process.env.E2E_PORT}/${user}.json`;

interface Fixtures {
  alicePage: Page;
  bobPage: Page;
  adminPage: Page;
}

function signedInPage(user: DemoUser) {
  return async ({ browser }: { browser: import('@playwright/test').Browser }, use: (page: Page) => Promise<void>) => {
    const context = await browser.newContext({ storageState: storageStatePath(user) });
    const page = await context.newPage();
    await use(page);
    await context.close();
  };
}

/** One signed-in browser context per demo user (signed in once, in global.setup.ts). */
export const test = base.extend<Fixtures>({
  alicePage: signedInPage('alice'),
  bobPage: signedInPage('bob'),
  adminPage: signedInPage('admin'),
});

export { expect } from '@playwright/test';
