import { test as base, type Page } from '@playwright/test';
import type { DemoUser } from './pages/sign-in-page';

/** The base URLs of the servers under test, one per worker (playwright.config.ts sets E2E_PORTS). */
export const serverURLs = (): string[] => (process.env.E2E_PORTS ?? '').split(',').map((port) => `http://127.0.0.1:${port}`);

/**
 * The server of this worker process: each worker drives its own server and database, so that
 * specs in different workers do not see each other's tokens, sessions or limits.
 */
const ownServer = (): string => {
  const urls = serverURLs();
  return urls[Number(process.env.TEST_PARALLEL_INDEX ?? 0) % urls.length]!;
};

// Per server, so that suites against different servers do not share sessions;
// global.teardown.ts removes them after the run.
export const storageStatePath = (user: DemoUser, server = ownServer()) => `e2e/.auth/${new URL(server).port}/${user}.json`;

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
  baseURL: async ({}, provide) => provide(ownServer()),
  alicePage: signedInPage('alice'),
  bobPage: signedInPage('bob'),
  adminPage: signedInPage('admin'),
});

export { expect } from '@playwright/test';
