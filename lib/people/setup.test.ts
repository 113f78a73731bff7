import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyPassword } from '@/lib/auth/password';
import { loadActor } from '@/lib/auth/users';
import { accountMembers, accounts, auditEvents, environments, groupMembers, setupCodes, users } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { AppError, NotFoundError, ValidationError } from '@/lib/errors';
import { BAD_SETUP_CODE_MESSAGE, completeSetup, completeSetupForSso, issueSetupCode, SETUP_DONE_MESSAGE, setupFromTerminal } from './setup';

const PASSWORD = 'correct horse battery';
const input = (code: string, overrides: Record<string, string> = {}) => ({
  code,
  accountName: 'Initech',
  name: 'Peter',
  email: 'Peter@Initech.example',
  password: PASSWORD,
  confirmPassword: PASSWORD,
  ...overrides,
});

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe(`setting the portal up (${testBackend})`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ seed: false });
  });
  afterAll(async () => {
    await database.close();
  });
  // Each test starts from an empty portal again.
  beforeEach(async () => {
    await database.db.delete(users);
    await database.db.delete(accounts);
    await database.db.delete(setupCodes);
  });

  it('with single sign-on only, creates the admin without a password, with the same setup code', async () => {
    const code = (await issueSetupCode(database.db))!;
    const wrong = await failure(completeSetupForSso(database.db, { code: 'AAAAA-BBBBB-CCCCC-DDDDD', accountName: 'Initech', name: 'Peter', email: 'peter@initech.example' }));
    expect(wrong.fieldErrors).toEqual({ code: BAD_SETUP_CODE_MESSAGE });
    const result = await completeSetupForSso(database.db, { code, accountName: 'Initech', name: 'Peter', email: 'Peter@Initech.example' });
    expect(result).toMatchObject({ accountId: 'initech', email: 'peter@initech.example' });
    const [user] = await database.db.select().from(users);
    expect(user).toMatchObject({ email: 'peter@initech.example', passwordHash: null, isInstanceAdmin: true, passwordUnproven: false });
    expect((await loadActor(database.db, result.userId))!.memberships).toMatchObject([{ accountId: 'initech', role: 'admin' }]);
    expect(await database.db.select().from(setupCodes)).toEqual([]);
  });

  it('creates the first account, its Production environment and its admin, who is the instance administrator', async () => {
    const code = (await issueSetupCode(database.db))!;
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}$/);
    // Typed in lower case and without dashes, it still works.
    const result = await completeSetup(database.db, input(code.replace(/-/g, '').toLowerCase()));
    expect(result).toMatchObject({ accountId: 'initech', environmentId: 'initech-prod', email: 'peter@initech.example' });

    const [account] = await database.db.select().from(accounts);
    expect(account).toMatchObject({ id: 'initech', name: 'Initech' });
    expect(await database.db.select({ id: environments.id, name: environments.name }).from(environments)).toEqual([
      { id: 'initech-prod', name: 'Production' },
    ]);
    const actor = (await loadActor(database.db, result.userId))!;
    expect(actor).toMatchObject({ isInstanceAdmin: true, name: 'Peter', memberships: [{ accountId: 'initech', role: 'admin' }] });
    const [user] = await database.db.select().from(users);
    expect(await verifyPassword(PASSWORD, user!.passwordHash!)).toBe(true);
    expect(await database.db.select().from(groupMembers)).toHaveLength(1);
    const events = await database.db.select().from(auditEvents);
    expect(events).toMatchObject([{ accountId: 'initech', action: 'account.created', actorEmail: 'peter@initech.example' }]);
    expect(JSON.stringify(events)).not.toContain(PASSWORD);

    // Afterwards setup is gone and the codes are void.
    expect(await database.db.select().from(setupCodes)).toEqual([]);
    expect(await issueSetupCode(database.db)).toBeNull();
    const again = await failure(completeSetup(database.db, input(code, { email: 'other@initech.example' })));
    expect(again).toBeInstanceOf(NotFoundError);
    expect(again.message).toBe(SETUP_DONE_MESSAGE);
  });

  it('refuses a wrong or expired code at its field and creates nothing', async () => {
    const code = (await issueSetupCode(database.db))!;
    const wrong = await failure(completeSetup(database.db, input('AAAAA-BBBBB-CCCCC-DDDDD')));
    expect(wrong).toBeInstanceOf(ValidationError);
    expect(wrong.fieldErrors).toEqual({ code: BAD_SETUP_CODE_MESSAGE });
    await database.db.update(setupCodes).set({ expiresAt: new Date(Date.now() - 1000) });
    const expired = await failure(completeSetup(database.db, input(code)));
    expect(expired.fieldErrors).toEqual({ code: BAD_SETUP_CODE_MESSAGE });
    expect(await database.db.select().from(users)).toEqual([]);
    expect(await database.db.select().from(accounts)).toEqual([]);
  });

  it('refuses a weak password and mismatched passwords at their fields', async () => {
    const code = (await issueSetupCode(database.db))!;
    const common = await failure(completeSetup(database.db, input(code, { password: 'password1234', confirmPassword: 'password1234' })));
    expect(common.fieldErrors).toEqual({ password: 'This password is too easy to guess. Choose another one.' });
    const mismatch = await failure(completeSetup(database.db, input(code, { confirmPassword: 'something else entirely' })));
    expect(mismatch.fieldErrors).toEqual({ confirmPassword: 'The passwords do not match' });
    expect(await database.db.select().from(users)).toEqual([]);
  });

  it('lets exactly one of two concurrent setups win', async () => {
    const code = (await issueSetupCode(database.db))!;
    const results = await Promise.allSettled([
      completeSetup(database.db, input(code, { accountName: 'First', email: 'first@example.com' })),
      completeSetup(database.db, input(code, { accountName: 'Second', email: 'second@example.com' })),
      setupFromTerminal(database.db, { accountName: 'Third', name: 'T', email: 'third@example.com', password: PASSWORD }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect((r.reason as Error).message).toBe(SETUP_DONE_MESSAGE);
    expect(await database.db.select().from(accounts)).toHaveLength(1);
    expect(await database.db.select().from(users)).toHaveLength(1);
    expect(await database.db.select().from(accountMembers).where(eq(accountMembers.role, 'admin'))).toHaveLength(1);
  });

  it('prints no code on a database that has people (the demo data)', async () => {
    const seeded = await createTestDatabase();
    try {
      expect(await issueSetupCode(seeded.db)).toBeNull();
      const [admin] = await seeded.db.select().from(users).where(eq(users.email, 'admin@example.com'));
      expect(admin!.isInstanceAdmin).toBe(true);
    } finally {
      await seeded.close();
    }
  });
});
