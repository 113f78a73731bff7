import { expect, test } from './fixtures';
import { cancelThenConfirm, expectFocusSettled, expectFocusWithin, tabTo } from './keyboard-helpers';
import { IamPages } from './pages/iam-pages';
import { PlatformTokensPage } from './pages/platform-tokens-page';

// Every test removes what it creates, so the demo data looks as seeded to the other specs.
const unique = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;

test.describe('IAM admin pages', () => {
  test('are a 404 for members, and open for admins with their sections', async ({ alicePage, adminPage }) => {
    for (const path of ['groups', 'policies', 'service-users', 'simulator', 'policies/new']) {
      const response = await alicePage.goto(`/accounts/acme/iam/${path}`);
      expect(response?.status(), path).toBe(404);
    }
    // An admin of Acme and Globex is not an admin of an account that does not exist.
    expect((await adminPage.goto('/accounts/initech/iam/groups'))?.status()).toBe(404);

    await adminPage.goto('/accounts/acme/iam/groups');
    const tabs = adminPage.getByRole('navigation', { name: 'Identity & access management' });
    for (const label of ['Platform tokens', 'Groups', 'Policies', 'Service users', 'Activity', 'Policy simulator']) {
      await expect(tabs.getByRole('link', { name: label, exact: true })).toBeVisible();
    }
    await expect(tabs.getByRole('link', { name: 'Groups', exact: true })).toHaveAttribute('aria-current', 'page');
    const developers = adminPage.getByRole('row', { name: /Developers/ });
    await expect(developers.getByRole('cell').nth(2)).toHaveText('2');
    await expect(developers.getByRole('cell').nth(3)).toHaveText('1');
  });

  test('the policy editor shows the first error at its line and column before saving, and refuses to save it', async ({
    adminPage,
  }) => {
    const iam = new IamPages(adminPage, 'acme');
    const name = `Readers ${unique()}`;
    await iam.gotoPolicies();
    await adminPage.getByRole('link', { name: 'Create policy' }).click();
    await adminPage.getByLabel('Policy name').fill(name);
    const statements = adminPage.getByLabel('Statements');
    await statements.fill('// Logs only\nALLOW storage:logz:read;');
    await expect(adminPage.getByText("Line 2, column 7: Unknown permission 'storage:logz:read'")).toBeVisible();
    await expect(statements).toHaveAttribute('aria-invalid', 'true');

    await adminPage.getByRole('button', { name: 'Create policy' }).click();
    await expect(adminPage).toHaveURL(/\/policies\/new$/);
    await adminPage.getByRole('button', { name: 'Go to error' }).click();
    await expect(adminPage.getByTestId('cursor-position')).toHaveText('Line 2, column 7');

    await statements.fill('// Logs only\nALLOW storage:logs:read;\nALLOW storage:buckets:read WHERE storage:table = "logs";');
    await expect(adminPage.getByText('No errors · 2 statements')).toBeVisible();
    await adminPage.getByRole('button', { name: 'Create policy' }).click();
    await expect(adminPage).toHaveURL(/\/iam\/policies$/);
    const row = adminPage.getByRole('row', { name: new RegExp(name) });
    await expect(row).toBeVisible();

    // Editing keeps the checks; a valid change is saved.
    await row.getByRole('link', { name: `Edit ${name}` }).click();
    await adminPage.getByLabel('Statements').fill('ALLOW storage:buckets:read WHERE storage:table startsWith "lo" AND;');
    await expect(adminPage.getByText(/^Line 1, column 67: Expected an attribute after 'AND'/)).toBeVisible();
    await adminPage.getByLabel('Statements').fill('ALLOW storage:logs:read;\nDENY storage:logs:write;\nALLOW storage:buckets:read;');
    await adminPage.getByRole('button', { name: 'Save policy' }).click();
    await expect(row.getByRole('cell').nth(2)).toHaveText('3');

    // Deleting it from its own page leads back to the list.
    await row.getByRole('link', { name, exact: true }).click();
    await adminPage.getByRole('button', { name: 'Delete', exact: true }).click();
    await adminPage.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await expect(adminPage).toHaveURL(/\/iam\/policies$/);
    await expect(row).toHaveCount(0);
  });

  test('an admin lets bob use the CI bot through a policy and a group; bob then generates a token for it, not for the exporter', async ({
    adminPage,
    bobPage,
  }) => {
    const iam = new IamPages(adminPage, 'acme');
    const bob = new PlatformTokensPage(bobPage);
    const suffix = unique();
    const policy = `Use the CI bot ${suffix}`;
    const group = `CI bot users ${suffix}`;
    const tokenName = `Bob for the CI bot ${suffix}`;
    let tokenId: string | null = null;
    try {
      await iam.createPolicy(policy, 'ALLOW iam:service-users:use WHERE iam:service-user-email = "ci-bot@service.example.com";');
      await iam.createGroup(group);
      await iam.addMember('bob@example.com');
      await iam.bindPolicy(policy, 'Whole account');

      const decision = await iam.simulate({
        identity: 'bob@example.com',
        permission: 'iam:service-users:use',
        attributes: { 'iam:service-user-email': 'ci-bot@service.example.com' },
      });
      await expect(decision).toContainText('Allowed');
      await expect(decision).toContainText(`Decided by statement 1 of policy ${policy}`);
      await expect(decision).toContainText('ALLOW iam:service-users:use WHERE iam:service-user-email = "ci-bot@service.example.com";');
      const refused = await iam.simulate({
        identity: 'bob@example.com',
        permission: 'iam:service-users:use',
        attributes: { 'iam:service-user-email': 'exporter@service.example.com' },
      });
      await expect(refused).toContainText('Denied');
      await expect(refused).toContainText("No policy statement grants 'iam:service-users:use'");

      // Bob may now generate a token for the CI bot, and only for it.
      await bob.goto();
      await bob.openCreateForm();
      await bobPage.getByLabel('Account', { exact: true }).selectOption({ label: 'Acme Corp' });
      await bobPage.getByRole('radio', { name: 'Service user' }).check();
      const picker = bobPage.getByLabel('Owner');
      await expect(picker.getByRole('option')).toHaveText(['Choose a service user', 'ci-bot@service.example.com']);
      await picker.selectOption({ label: 'ci-bot@service.example.com' });
      await bob.fillAndGenerate({ name: tokenName, scopes: ['document:documents:read'] });
      tokenId = (await bob.takeSecret()).tokenId;
      await expect(bob.row(tokenId)).toContainText('ci-bot@service.example.com');
      await bob.delete(tokenName, tokenId);
      tokenId = null;
    } finally {
      if (tokenId) await bob.delete(tokenName, tokenId);
      await iam.cleanUp({ groups: [group], policies: [policy] });
    }

    // Without the group, bob is back to generating for himself only.
    await bob.goto();
    await bob.openCreateForm();
    await bobPage.getByLabel('Account', { exact: true }).selectOption({ label: 'Acme Corp' });
    await expect(bobPage.getByRole('radio', { name: 'Service user' })).toBeDisabled();
  });

  test('binds a policy to chosen environments only', async ({ adminPage }) => {
    const iam = new IamPages(adminPage, 'acme');
    const suffix = unique();
    const group = `Staging mailers ${suffix}`;
    const policy = `Mail ${suffix}`;
    try {
      await iam.createPolicy(policy, 'ALLOW email:emails:send;');
      await iam.createGroup(group);
      await adminPage.getByRole('button', { name: 'Bind policy' }).click();
      const dialog = adminPage.getByRole('dialog');
      await dialog.getByLabel('Policy').selectOption({ label: policy });
      await dialog.getByLabel('Selected environments').check();
      await dialog.getByRole('button', { name: 'Bind' }).click();
      await expect(dialog.getByText('Choose at least one environment, or apply the policy to the whole account')).toBeVisible();
      await dialog.getByLabel(/Staging/).check();
      await dialog.getByRole('button', { name: 'Bind' }).click();
      await expect(dialog).toBeHidden();
      await expect(adminPage.getByRole('row', { name: new RegExp(policy) }).getByRole('cell').nth(1)).toHaveText('Staging');

      await adminPage.getByRole('button', { name: `Unbind ${policy}` }).click();
      await adminPage.getByRole('alertdialog').getByRole('button', { name: 'Unbind' }).click();
      await expect(adminPage.getByText('No policies bound yet.')).toBeVisible();
    } finally {
      await iam.cleanUp({ groups: [group], policies: [policy] });
    }
  });

  test('renames a group and refuses a name that is taken', async ({ adminPage }) => {
    const iam = new IamPages(adminPage, 'acme');
    const suffix = unique();
    const group = `Temporary ${suffix}`;
    try {
      await iam.createGroup(group);
      await iam.gotoGroups();
      await adminPage.getByRole('button', { name: `Rename ${group}` }).click();
      const dialog = adminPage.getByRole('dialog');
      await dialog.getByLabel('Group name').fill('Developers');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await expect(dialog.getByText('A group named "Developers" already exists')).toBeVisible();
      await dialog.getByLabel('Group name').fill(`Renamed ${suffix}`);
      await dialog.getByRole('button', { name: 'Save' }).click();
      await expect(adminPage.getByRole('link', { name: `Renamed ${suffix}` })).toBeVisible();

      // Deleting it from its own page leads back to the list.
      await adminPage.getByRole('link', { name: `Renamed ${suffix}` }).click();
      await adminPage.getByRole('button', { name: 'Delete', exact: true }).click();
      await adminPage.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
      await expect(adminPage).toHaveURL(/\/iam\/groups$/);
      await expect(adminPage.getByRole('heading', { name: 'Groups', level: 1 })).toBeVisible();
      await expect(adminPage.getByRole('link', { name: `Renamed ${suffix}` })).toHaveCount(0);
    } finally {
      await iam.cleanUp({ groups: [group, `Renamed ${suffix}`], policies: [] });
    }
  });

  test('creates and deletes a service user, refusing an email that is not a service identity', async ({ adminPage }) => {
    const iam = new IamPages(adminPage, 'acme');
    const email = `e2e-${unique()}@service.example.com`;
    await iam.gotoServiceUsers();
    await adminPage.getByRole('button', { name: 'Create service user' }).click();
    const dialog = adminPage.getByRole('dialog');
    await dialog.getByLabel('Email').fill('robot@example.com');
    await dialog.getByLabel('Name').fill('Robot');
    await dialog.getByRole('button', { name: 'Create service user' }).click();
    await expect(dialog.getByText('A service user email must end in @service.<domain>')).toBeVisible();
    await dialog.getByLabel('Email').fill(email.toUpperCase());
    await dialog.getByRole('button', { name: 'Create service user' }).click();
    await expect(dialog).toBeHidden();
    const row = adminPage.getByRole('row', { name: new RegExp(email) });
    await expect(row).toBeVisible();

    await row.getByRole('button', { name: `Delete ${email}` }).click();
    const confirm = adminPage.getByRole('alertdialog');
    await expect(confirm).toContainText('It has no tokens.');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await expect(row).toHaveCount(0);
  });
});

// The confirm dialogs of the IAM pages by keyboard alone: focus never falls to the page.
test.describe('IAM admin pages by keyboard', () => {
  test('IAM rows: remove a member, unbind a policy, delete a group and a service user; cancelling returns focus', async ({
    adminPage: page,
  }) => {
    const iam = new IamPages(page, 'acme');
    const suffix = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
    const group = `KB group ${suffix}`;
    const policy = `KB policy ${suffix}`;
    const email = `kb-${suffix}@service.example.com`;
    try {
      await iam.createPolicy(policy, 'ALLOW email:emails:send;');
      await iam.createServiceUser(email, 'Keyboard test');
      await iam.createGroup(group);
      await iam.addMember(email);
      await iam.bindPolicy(policy, 'Whole account');

      await cancelThenConfirm(page, {
        button: page.getByRole('button', { name: `Remove ${email}`, exact: true }),
        dialog: `Remove ${email} from ${group}?`,
        confirm: 'Remove',
        outcome: `Removed ${email} from ${group}.`,
      });
      await cancelThenConfirm(page, {
        button: page.getByRole('button', { name: `Unbind ${policy}`, exact: true }),
        dialog: `Unbind ${policy} from ${group}?`,
        confirm: 'Unbind',
        outcome: `Unbound ${policy} from ${group}.`,
      });

      await iam.gotoGroups();
      await cancelThenConfirm(page, {
        button: page.getByRole('button', { name: `Delete ${group}`, exact: true }),
        dialog: `Delete group ${group}?`,
        confirm: 'Delete',
        outcome: `Deleted group ${group}.`,
      });

      await iam.gotoServiceUsers();
      await cancelThenConfirm(page, {
        button: page.getByRole('button', { name: `Delete ${email}`, exact: true }),
        dialog: `Delete service user ${email}?`,
        confirm: 'Delete',
        outcome: `Deleted service user ${email}.`,
      });
    } finally {
      await iam.cleanUp({ groups: [group], policies: [policy] });
      await iam.gotoServiceUsers();
      const left = page.getByRole('button', { name: `Delete ${email}`, exact: true });
      if ((await left.count()) > 0) {
        await left.click();
        await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
        await expect(left).toHaveCount(0);
      }
    }
  });

  test('"Allow to manage platform tokens": Space asks; cancelled or confirmed, focus stays on the switch', async ({
    adminPage: page,
  }) => {
    const toggle = page.getByRole('switch', { name: 'Allow to manage platform tokens' });
    await page.goto('/accounts/acme/iam/platform-tokens');
    await expect(page.getByRole('heading', { name: 'Platform tokens', level: 1 })).toBeVisible();
    await expect(toggle).toBeChecked();
    try {
      await tabTo(page, toggle);
      await page.keyboard.press('Space');
      const deny = page.getByRole('alertdialog', { name: 'Deny token management in Acme Corp?' });
      await expectFocusWithin(deny);
      await page.keyboard.press('Escape');
      await expect(deny).toBeHidden();
      await expect(toggle).toBeChecked();
      await expectFocusSettled(page, toggle);

      await page.keyboard.press('Space');
      await expectFocusWithin(deny);
      await tabTo(page, deny.getByRole('button', { name: 'Deny', exact: true }));
      await page.keyboard.press('Enter');
      await expect(deny).toBeHidden();
      await expect(toggle).not.toBeChecked();
      await expect(page.getByRole('status').filter({ hasText: 'Token management is denied in Acme Corp' })).toBeVisible();
      await expectFocusSettled(page, toggle);

      await page.keyboard.press('Space');
      const allow = page.getByRole('alertdialog', { name: 'Allow token management in Acme Corp?' });
      await expectFocusWithin(allow);
      await tabTo(page, allow.getByRole('button', { name: 'Allow', exact: true }));
      await page.keyboard.press('Enter');
      await expect(allow).toBeHidden();
      await expect(toggle).toBeChecked();
      await expectFocusSettled(page, toggle);
    } finally {
      await page.goto('/accounts/acme/iam/platform-tokens');
      if (!(await toggle.isChecked())) {
        await toggle.click();
        await page.getByRole('alertdialog').getByRole('button', { name: 'Allow' }).click();
        await expect(toggle).toBeChecked();
      }
    }
  });
});
