import { expect, type Page } from '@playwright/test';

export const DEMO_PASSWORD = 'demo-password';
export const USERS = {
  alice: 'alice@example.com',
  bob: 'bob@example.com',
  admin: 'admin@example.com',
} as const;
export type DemoUser = keyof typeof USERS;

export class SignInPage {
  constructor(readonly page: Page) {}

  async goto(path = '/sign-in') {
    await this.page.goto(path);
  }

  async signIn(email: string, password: string) {
    await this.page.getByLabel('Email').fill(email);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
  }

  async signInAs(user: DemoUser) {
    await this.goto();
    await this.signIn(USERS[user], DEMO_PASSWORD);
    await expect(this.page.getByRole('heading', { name: 'My platform tokens' })).toBeVisible();
  }
}
