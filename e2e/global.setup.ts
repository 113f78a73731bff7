import fs from 'node:fs';
import path from 'node:path';
import { test as setup } from '@playwright/test';
import { SignInPage, USERS, type DemoUser } from './pages/sign-in-page';
import { serverURLs, storageStatePath } from './fixtures';

// On every worker's server: a worker's specs find their sessions whichever worker signed in.
for (const user of Object.keys(USERS) as DemoUser[]) {
  setup(`sign in as ${user}`, async ({ browser }) => {
    for (const server of serverURLs()) {
      fs.mkdirSync(path.dirname(storageStatePath(user, server)), { recursive: true });
      const context = await browser.newContext({ baseURL: server });
      const page = await context.newPage();
      await new SignInPage(page).signInAs(user);
      await context.storageState({ path: storageStatePath(user, server) });
      await context.close();
    }
  });
}
