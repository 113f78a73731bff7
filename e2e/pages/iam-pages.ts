import { expect, type Locator, type Page } from '@playwright/test';

/** The IAM admin pages of one account, driven as an admin would. */
export class IamPages {
  constructor(
    readonly page: Page,
    readonly accountId: string,
  ) {}

  private url(path: string) {
    return `/accounts/${this.accountId}/iam/${path}`;
  }

  async gotoGroups() {
    await this.page.goto(this.url('groups'));
    await expect(this.page.getByRole('heading', { name: 'Groups', level: 1 })).toBeVisible();
  }

  async gotoPolicies() {
    await this.page.goto(this.url('policies'));
    await expect(this.page.getByRole('heading', { name: 'Policies', level: 1 })).toBeVisible();
  }

  async gotoServiceUsers() {
    await this.page.goto(this.url('service-users'));
    await expect(this.page.getByRole('heading', { name: 'Service users', level: 1 })).toBeVisible();
  }

  async createPolicy(name: string, statements: string) {
    await this.page.goto(this.url('policies/new'));
    await this.page.getByLabel('Policy name').fill(name);
    await this.page.getByLabel('Statements').fill(statements);
    await expect(this.page.getByText(/^No errors/)).toBeVisible();
    await this.page.getByRole('button', { name: 'Create policy' }).click();
    await expect(this.page.getByRole('row', { name: new RegExp(escape(name)) })).toBeVisible();
  }

  async createServiceUser(email: string, name: string) {
    await this.gotoServiceUsers();
    await this.page.getByRole('button', { name: 'Create service user' }).click();
    const dialog = this.page.getByRole('dialog');
    await dialog.getByLabel('Email').fill(email);
    await dialog.getByLabel('Name').fill(name);
    await dialog.getByRole('button', { name: 'Create service user' }).click();
    await expect(dialog).toBeHidden();
  }

  /** Creates a group and stays on its page. */
  async createGroup(name: string) {
    await this.gotoGroups();
    await this.page.getByRole('button', { name: 'Create group' }).click();
    const dialog = this.page.getByRole('dialog');
    await dialog.getByLabel('Group name').fill(name);
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await expect(this.page.getByRole('heading', { name, level: 1 })).toBeVisible();
  }

  /** On a group's page: adds a user or service user by email. */
  async addMember(email: string) {
    await this.page.getByRole('button', { name: 'Add member' }).click();
    const dialog = this.page.getByRole('dialog');
    await dialog.getByLabel('Member').selectOption({ label: email });
    await dialog.getByRole('button', { name: 'Add' }).click();
    await expect(dialog).toBeHidden();
    await expect(this.page.getByRole('row', { name: new RegExp(escape(email)) })).toBeVisible();
  }

  /** On a group's page: binds a policy to the whole account. */
  async bindPolicy(policy: string, appliesTo: 'Whole account') {
    await this.page.getByRole('button', { name: 'Bind policy' }).click();
    const dialog = this.page.getByRole('dialog');
    await dialog.getByLabel('Policy').selectOption({ label: policy });
    await dialog.getByLabel(appliesTo).check();
    await dialog.getByRole('button', { name: 'Bind' }).click();
    await expect(dialog).toBeHidden();
    await expect(this.page.getByRole('row', { name: new RegExp(escape(policy)) })).toContainText(appliesTo);
  }

  async simulate(request: { identity: string; environment?: string; permission: string; attributes?: Record<string, string> }): Promise<Locator> {
    await this.page.goto(this.url('simulator'));
    const form = this.page.getByRole('form', { name: 'Simulate a permission check' });
    await form.getByLabel('Identity').selectOption({ label: request.identity });
    await form.getByLabel('Environment').selectOption({ label: request.environment ?? 'Whole account' });
    await form.getByLabel('Permission').selectOption(request.permission);
    for (const [attribute, value] of Object.entries(request.attributes ?? {})) {
      await form.getByLabel(attribute, { exact: true }).fill(value);
    }
    await form.getByRole('button', { name: 'Simulate' }).click();
    const result = this.page.getByTestId('simulation-result');
    await expect(result).toBeVisible();
    return result;
  }

  async deleteGroup(name: string) {
    await this.gotoGroups();
    await this.page.getByRole('button', { name: `Delete ${name}` }).click();
    await this.page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await expect(this.page.getByRole('link', { name, exact: true })).toHaveCount(0);
  }

  async deletePolicy(name: string) {
    await this.gotoPolicies();
    await this.page.getByRole('button', { name: `Delete ${name}` }).click();
    await this.page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await expect(this.page.getByRole('link', { name, exact: true })).toHaveCount(0);
  }

  /** Deletes whichever of these groups and policies exist. */
  async cleanUp({ groups, policies }: { groups: string[]; policies: string[] }) {
    await this.gotoGroups();
    for (const name of groups) {
      if ((await this.page.getByRole('link', { name, exact: true }).count()) > 0) await this.deleteGroup(name);
    }
    await this.gotoPolicies();
    for (const name of policies) {
      if ((await this.page.getByRole('link', { name, exact: true }).count()) > 0) await this.deletePolicy(name);
    }
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
