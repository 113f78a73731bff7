import fs from 'node:fs';
import path from 'node:path';
import { test as setup } from '@playwright/test';
import { SignInPage, USERS, type DemoUser } from './pages/sign-in-page';
import { storageStatePath } from './fixtures';

setup.beforeAll(() => fs.mkdirSync(path.dirname(storageStatePath('alice')), { recursive: true }));

for (const user of Object.keys(USERS) as DemoUser[]) {
  setup(`sign in as ${user}`, async ({ page }) => {
    await new SignInPage(page).signInAs(user);
    await page.context().storageState({ path: storageStatePath(user) });
  });
}
