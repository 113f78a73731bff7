import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { grantTestPolicy } from '@/lib/platform/testing';
import { demoIdentities, type DemoIdentities } from '@/lib/testing/demo';
import { loadTokenFormOptions } from './form-options';
import { generatePlatformToken } from './generate';
import { tokenInput } from './test-support';

describe(`create form options (${testBackend})`, () => {
  let database: TestDatabase;
  let demo: DemoIdentities;

  beforeAll(async () => {
    database = await createTestDatabase();
    demo = await demoIdentities(database.db);
  });
  afterAll(() => database.close());

  const optionsFor = (email: string) => loadTokenFormOptions(database.db, demo.actor(email).userId);

  it("offers each user's accounts with environments, usable service users and counts", async () => {
    await generatePlatformToken(database.db, demo.actor('alice@example.com'), tokenInput(), new Date());
    const alice = await optionsFor('alice@example.com');
    expect(alice.map((a) => [a.id, a.name, a.tokenCount, a.limit])).toEqual([
      ['acme', 'Acme Corp', 1, 10],
      ['globex', 'Globex', 0, 10],
    ]);
    const acme = alice[0]!;
    expect(acme.environments).toEqual([
      { id: 'acme-prod', name: 'Production' },
      { id: 'acme-staging', name: 'Staging' },
    ]);
    expect(acme.owners.map((o) => [o.key === 'myself' ? 'myself' : 'service user', o.email])).toEqual([
      ['myself', 'alice@example.com'],
      ['service user', 'ci-bot@service.example.com'],
    ]);
    expect(alice[1]!.owners.map((o) => o.email)).toEqual(['alice@example.com']);

    expect((await optionsFor('bob@example.com')).map((a) => [a.id, a.owners.map((o) => o.email)])).toEqual([
      ['acme', ['bob@example.com']],
    ]);
    expect((await optionsFor('admin@example.com'))[0]!.owners.map((o) => o.email)).toEqual([
      'admin@example.com',
      'ci-bot@service.example.com',
      'exporter@service.example.com',
    ]);
  });

  it("tells which scopes each owner holds, so the form can mark the others", async () => {
    const acme = (await optionsFor('alice@example.com'))[0]!;
    const self = acme.owners[0]!.scopesByEnvironment['acme-prod']!;
    expect(self).toContain('storage:logs:read');
    expect(self).not.toContain('email:emails:send');
    expect(self).not.toContain('iam:service-users:use');
    const bot = acme.owners[1]!.scopesByEnvironment['acme-staging']!;
    expect(bot).toContain('app-engine:apps:install');
    expect(bot).not.toContain('storage:logs:read');
  });

  it('counts the account management scopes as held by the account’s admins alone, whatever their policies say', async () => {
    const adminOptions = (await optionsFor('admin@example.com'))[0]!;
    const asAdmin = adminOptions.owners[0]!.scopesByEnvironment['acme-prod']!;
    expect(asAdmin).toEqual(expect.arrayContaining(['platform-token:tokens:manage', 'account-idm-read', 'account-idm-write']));
    // A policy naming them does not make a member an admin.
    await grantTestPolicy(database.db, 'acme', 'alice@example.com', 'ALLOW platform-token:tokens:manage, account-idm-read;');
    const alice = (await optionsFor('alice@example.com'))[0]!.owners[0]!.scopesByEnvironment['acme-prod']!;
    expect(alice).not.toContain('platform-token:tokens:manage');
    expect(alice).not.toContain('account-idm-read');
  });

  it('reports that an account has token management turned off', async () => {
    await database.db.update(accounts).set({ allowTokenManagement: false }).where(eq(accounts.id, 'globex'));
    const alice = await optionsFor('alice@example.com');
    expect(alice.map((a) => [a.id, a.allowTokenManagement])).toEqual([
      ['acme', true],
      ['globex', false],
    ]);
  });
});
