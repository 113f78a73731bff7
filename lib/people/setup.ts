import { randomInt } from 'node:crypto';
import { and, eq, gt, lte, sql } from 'drizzle-orm';
import { insertAccount } from '@/lib/accounts/accounts';
import { hashOneTimeCode } from '@/lib/auth/one-time-codes';
import { hashPassword } from '@/lib/auth/password';
import { assertNewPasswordAllowed } from '@/lib/auth/password-rules';
import type { Db, Executor } from '@/lib/db';
import { setupCodes, users } from '@/lib/db/schema';
import { SEED_LOCK_KEY } from '@/lib/db/seed';
import { NotFoundError, ValidationError } from '@/lib/errors';
import { parseInput } from '@/lib/iam/admin-guard';
import { setupSchema, ssoSetupSchema, type SetupInput, type SsoSetupInput } from '@/lib/validations/people';

// First start on an empty database (PRODUCT.md §9): the server prints a one-time setup code, and
// /setup (or `npm run admin -- setup`) creates the first account, its "Production" environment and
// its admin, who is also the instance administrator. Once any user exists, setup is gone.

// Crockford's base32 without look-alikes (no I, L, O, U): 20 characters are 100 bits.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_GROUPS = 4;
const GROUP_LENGTH = 5;
const CODE_LIFETIME = sql`interval '24 hours'`;

export const SETUP_DONE_MESSAGE = 'The portal is already set up.';
export const BAD_SETUP_CODE_MESSAGE = 'This setup code is not valid. Use the latest code from the server log, or restart the server for a new one.';

/** The code as people type it, with dashes and spaces removed and letters in upper case. */
export function normalizeSetupCode(code: string): string {
  return code.replace(/[\s-]/g, '').toUpperCase();
}

export async function hasAnyUser(db: Executor): Promise<boolean> {
  const [row] = await db.select({ id: users.id }).from(users).limit(1);
  return row !== undefined;
}

/**
 * On a database without any user, a new setup code (shown once, in the server log); null when the
 * portal is set up. Each call (each start of an instance) adds one; each is valid for 24 hours.
 */
export async function issueSetupCode(db: Db): Promise<string | null> {
  if (await hasAnyUser(db)) return null;
  const groups = Array.from({ length: CODE_GROUPS }, () =>
    Array.from({ length: GROUP_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join(''),
  );
  const code = groups.join('-');
  await db.delete(setupCodes).where(lte(setupCodes.expiresAt, sql`now()`));
  await db.insert(setupCodes).values({ codeHash: hashOneTimeCode(normalizeSetupCode(code)), expiresAt: sql`now() + ${CODE_LIFETIME}` });
  return code;
}

export interface FirstAccount {
  name: string;
  email: string;
  /** None with single sign-on only: the admin signs in through the provider, by this email. */
  password: string | null;
  accountName: string;
}

export interface SetupResult {
  accountId: string;
  environmentId: string;
  userId: string;
  email: string;
}

async function createFirstAccount(db: Db, first: FirstAccount, checkCode: ((tx: Executor) => Promise<void>) | null): Promise<SetupResult> {
  if (first.password !== null) assertNewPasswordAllowed(first.password, first.email);
  const passwordHash = first.password === null ? null : await hashPassword(first.password);
  return db.transaction(async (tx) => {
    // The same lock as seeding: of two setups (or a setup and a seed), one runs, then the other
    // finds a user and stops.
    await tx.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK_KEY})`);
    if (await hasAnyUser(tx)) throw new NotFoundError(SETUP_DONE_MESSAGE);
    if (checkCode) await checkCode(tx);
    const [user] = await tx
      .insert(users)
      .values({ email: first.email, name: first.name, passwordHash, isInstanceAdmin: true })
      .returning({ id: users.id, email: users.email });
    const account = await insertAccount(tx, { userId: user!.id, email: user!.email }, { name: first.accountName, firstAdminId: user!.id });
    await tx.delete(setupCodes);
    return { accountId: account.accountId, environmentId: account.environmentId, userId: user!.id, email: user!.email };
  });
}

/** The check of a setup code from the server log, inside the setup's transaction. */
function setupCodeCheck(code: string) {
  return async (tx: Executor) => {
    const [valid] = await tx
      .select({ codeHash: setupCodes.codeHash })
      .from(setupCodes)
      .where(and(eq(setupCodes.codeHash, hashOneTimeCode(normalizeSetupCode(code))), gt(setupCodes.expiresAt, sql`now()`)));
    if (!valid) throw ValidationError.field('code', BAD_SETUP_CODE_MESSAGE);
  };
}

/** Setting up from /setup: the setup code from the server log is required. */
export async function completeSetup(db: Db, input: SetupInput): Promise<SetupResult> {
  const { code, accountName, name, email, password } = parseInput(setupSchema, input);
  return createFirstAccount(db, { accountName, name, email, password }, setupCodeCheck(code));
}

/** As `completeSetup`, with single sign-on only: the admin has no password here. */
export async function completeSetupForSso(db: Db, input: SsoSetupInput): Promise<SetupResult> {
  const { code, accountName, name, email } = parseInput(ssoSetupSchema, input);
  return createFirstAccount(db, { accountName, name, email, password: null }, setupCodeCheck(code));
}

/** Setting up from a terminal on the server (`npm run admin -- setup`): being there is enough. */
export async function setupFromTerminal(db: Db, first: FirstAccount): Promise<SetupResult> {
  return createFirstAccount(db, first, null);
}
