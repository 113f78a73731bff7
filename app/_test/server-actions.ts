// The server actions of the app, found by reading the source tree, and for each one a valid input
// and who may call it: shared by the authorization matrix and the bad-input tests.
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Db } from '@/lib/db';
import { newOneTimeCode } from '@/lib/auth/one-time-codes';
import { accountMembers, groups, invitations, passwordResets, policies, users } from '@/lib/db/schema';
import type { TestDatabase } from '@/lib/db/testing';
import { demoIdentities } from '@/lib/testing/demo';
import { insertTestToken } from '@/lib/testing/tokens';
import { tokenFormFields } from '@/lib/tokens/test-support';
import type { ActionResult } from '@/lib/validations/result';
import type { TokenFormInput } from '@/lib/validations/tokens';

export const APP = path.join(process.cwd(), 'app');

/** Files that start with 'use server', relative to app/. */
export function serverActionFiles(dir = APP): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...serverActionFiles(full));
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts')) {
      const head = fs.readFileSync(full, 'utf8').trimStart();
      if (head.startsWith("'use server'") || head.startsWith('"use server"')) found.push(path.relative(APP, full));
    }
  }
  return found.sort();
}

/** Actions anyone may call, and why. */
export const PUBLIC: Record<string, string> = {
  '(auth)/sign-in/actions.ts#signInAction': 'signing in is what a signed-out visitor does',
  '_lib/sign-out.ts#signOutAction': 'signing out only ends the caller’s own session',
  '_actions/setup.ts#completeSetupAction': 'the setup code from the server log entitles the caller, once, on a portal without users',
  '_actions/setup.ts#completeSsoSetupAction': 'the same, with single sign-on only: the admin gets no password',
  '_actions/invitations.ts#acceptInvitationAction': 'the invitation link entitles a new person, once',
  '_actions/sso.ts#signInWithSsoAction': 'starting single sign-on is what a signed-out visitor does',
  '_actions/password-reset.ts#requestPasswordResetAction': 'asking for a reset link is what a signed-out visitor does; the link goes to the email only',
  '_actions/password-reset.ts#resetPasswordAction': 'the reset link entitles its holder, once',
};

/**
 * A valid input for each public action that takes one, for the bad-input test (called signed out).
 * Without a rightful caller to compare with, only the handling of malformed input is checked.
 */
export const PUBLIC_INPUTS: Record<string, (world: World) => unknown> = {
  '_actions/setup.ts#completeSetupAction': () => ({
    code: 'AAAAA-BBBBB-CCCCC-DDDDD',
    accountName: 'Matrix',
    name: 'Matrix',
    email: 'matrix@example.com',
    password: 'a calm river at dawn',
    confirmPassword: 'a calm river at dawn',
  }),
  '_actions/setup.ts#completeSsoSetupAction': () => ({ code: 'AAAAA-BBBBB-CCCCC-DDDDD', accountName: 'Matrix', name: 'Matrix', email: 'matrix@example.com' }),
  '_actions/password-reset.ts#requestPasswordResetAction': () => ({ email: 'alice@example.com' }),
  '_actions/password-reset.ts#resetPasswordAction': (w) => ({ code: w.resetCode, password: 'a calm river at dawn', confirmPassword: 'a calm river at dawn' }),
  '_actions/invitations.ts#acceptInvitationAction': (w) => ({
    code: w.invitationCode,
    name: 'Newcomer',
    password: 'a calm river at dawn',
    confirmPassword: 'a calm river at dawn',
  }),
};

export type Who = 'alice' | 'bob' | 'admin' | 'outsider' | 'globexAdmin';
export const EMAILS: Record<Who, string> = {
  alice: 'alice@example.com',
  bob: 'bob@example.com',
  admin: 'admin@example.com',
  outsider: 'outsider@example.com',
  globexAdmin: 'globex-admin@example.com',
};

export interface World {
  db: Db;
  id: (email: string) => string;
  aliceToken: string;
  group: string;
  policy: string;
  ciBot: string;
  /** A pending invitation to Acme for newcomer@example.com, and its link's code. */
  invitation: string;
  invitationCode: string;
  /** The code of a pending invitation to Globex for bob@example.com. */
  bobInvitationCode: string;
  /** The code of alice's password-reset link. */
  resetCode: string;
}

export interface Fixture {
  /** Who may do this; everyone in `refused` must be turned away. */
  allowed: Who;
  refused: Who[];
  input: (world: World) => unknown;
  /**
   * The input names objects of Acme (groups, policies, tokens…): callers from Globex also try it
   * with Globex's account ID, which must change nothing (an empty bulk result is fine).
   */
  namesObjects?: boolean;
}

const NOT_ADMINS: Who[] = ['alice', 'bob', 'outsider', 'globexAdmin'];
const NOT_TOKEN_PEOPLE: Who[] = ['bob', 'outsider', 'globexAdmin'];
/** Rotating or duplicating hands out a secret acting as the token's owner: not even for an admin. */
const NOT_SECRET_RECIPIENTS: Who[] = [...NOT_TOKEN_PEOPLE, 'admin'];

const tokenForm = (overrides: Partial<TokenFormInput> = {}) => tokenFormFields({ name: 'Matrix token', ...overrides });

export const FIXTURES: Record<string, Fixture> = {
  // One's own profile: only nobody signed in is refused; everyone acts on themselves.
  '_actions/profile.ts#renameSelfAction': { allowed: 'alice', refused: [], input: () => ({ name: 'Alice Liddell' }) },
  '_actions/profile.ts#changePasswordAction': {
    allowed: 'alice',
    refused: [],
    input: () => ({ currentPassword: 'demo-password', password: 'a calm river at dawn', confirmPassword: 'a calm river at dawn' }),
  },
  '_actions/profile.ts#signOutEverywhereAction': { allowed: 'alice', refused: [], input: () => ({ confirm: true }) },
  '_actions/accounts.ts#createAccountAction': {
    allowed: 'admin',
    refused: ['alice', 'bob', 'outsider', 'globexAdmin'],
    input: () => ({ name: 'Matrix Inc', adminEmail: 'boss@matrix.example' }),
  },
  '_actions/users.ts#inviteUserAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    input: (w) => ({ accountId: 'acme', email: 'matrix@example.com', role: 'member', groupIds: [w.group] }),
  },
  '_actions/users.ts#resendInvitationAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    namesObjects: true,
    input: (w) => ({ accountId: 'acme', invitationId: w.invitation }),
  },
  '_actions/users.ts#revokeInvitationAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    namesObjects: true,
    input: (w) => ({ accountId: 'acme', invitationId: w.invitation }),
  },
  '_actions/users.ts#changeRoleAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    namesObjects: true,
    // Bob, a member of Acme only: Globex's admins may change the roles of Globex's members.
    input: (w) => ({ accountId: 'acme', userId: w.id(EMAILS.bob), role: 'admin' }),
  },
  '_actions/users.ts#removalPreviewAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    namesObjects: true,
    input: (w) => ({ accountId: 'acme', userId: w.id(EMAILS.bob) }),
  },
  '_actions/users.ts#removeMemberAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    namesObjects: true,
    input: (w) => ({ accountId: 'acme', userId: w.id(EMAILS.bob) }),
  },
  '_actions/invitations.ts#joinWithInvitationAction': {
    allowed: 'bob',
    refused: ['alice', 'admin', 'outsider', 'globexAdmin'],
    input: (w) => ({ code: w.bobInvitationCode }),
  },
  '_actions/environments.ts#addEnvironmentAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    input: () => ({ accountId: 'acme', name: 'Matrix', environmentId: 'acme-matrix' }),
  },
  '_actions/environments.ts#renameEnvironmentAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    namesObjects: true,
    input: () => ({ accountId: 'acme', environmentId: 'acme-staging', name: 'Renamed' }),
  },
  '_actions/environments.ts#deleteEnvironmentAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    namesObjects: true,
    input: () => ({ accountId: 'acme', environmentId: 'acme-staging', confirmation: 'acme-staging' }),
  },
  '_actions/platform-tokens.ts#generateTokenAction': {
    allowed: 'alice',
    refused: ['outsider', 'globexAdmin'],
    input: () => tokenForm(),
  },
  '_actions/platform-tokens.ts#duplicateTokenAction': {
    allowed: 'alice',
    refused: NOT_SECRET_RECIPIENTS,
    namesObjects: true,
    input: (w) => ({ ...tokenForm({ name: 'Duplicate of: Matrix' }), sourceTokenId: w.aliceToken }),
  },
  '_actions/platform-tokens.ts#disableTokenAction': { allowed: 'alice', refused: NOT_TOKEN_PEOPLE, namesObjects: true,
    input: (w) => ({ tokenId: w.aliceToken }) },
  '_actions/platform-tokens.ts#enableTokenAction': { allowed: 'admin', refused: NOT_TOKEN_PEOPLE, input: (w) => ({ tokenId: w.aliceToken }) },
  '_actions/platform-tokens.ts#deleteTokenAction': { allowed: 'alice', refused: NOT_TOKEN_PEOPLE, input: (w) => ({ tokenId: w.aliceToken }) },
  '_actions/platform-tokens.ts#rotateTokenAction': {
    allowed: 'alice',
    refused: NOT_SECRET_RECIPIENTS,
    input: (w) => ({
      tokenId: w.aliceToken,
      expireOld: 'immediately',
      oldExpiresAt: '',
      name: 'Matrix token rotated',
      expiration: '30d',
      expiresAt: '',
    }),
  },
  '_actions/groups.ts#createGroupAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    input: () => ({ accountId: 'acme', name: 'Matrix group', description: '' }),
  },
  '_actions/groups.ts#renameGroupAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    namesObjects: true,
    input: (w) => ({ accountId: 'acme', groupId: w.group, name: 'Renamed', description: '' }),
  },
  '_actions/groups.ts#deleteGroupAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    namesObjects: true,
    input: (w) => ({ accountId: 'acme', groupId: w.group }),
  },
  '_actions/groups.ts#deleteGroupAndReturnAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    namesObjects: true,
    input: (w) => ({ accountId: 'acme', groupId: w.group }),
  },
  '_actions/groups.ts#addGroupMemberAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    namesObjects: true,
    input: (w) => ({ accountId: 'acme', groupId: w.group, member: `service-user:${w.ciBot}` }),
  },
  '_actions/groups.ts#removeGroupMemberAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    namesObjects: true,
    input: (w) => ({ accountId: 'acme', groupId: w.group, member: `user:${w.id(EMAILS.alice)}` }),
  },
  '_actions/groups.ts#bindPolicyAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    namesObjects: true,
    input: (w) => ({ accountId: 'acme', groupId: w.group, policyId: w.policy, accountWide: false, environmentIds: ['acme-prod'] }),
  },
  '_actions/groups.ts#unbindPolicyAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    namesObjects: true,
    input: (w) => ({ accountId: 'acme', groupId: w.group, policyId: w.policy }),
  },
  '_actions/policies.ts#createPolicyAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    input: () => ({ accountId: 'acme', name: 'Matrix policy', description: '', statements: 'ALLOW document:documents:read;' }),
  },
  '_actions/policies.ts#updatePolicyAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    namesObjects: true,
    input: (w) => ({ accountId: 'acme', policyId: w.policy, name: 'Developer access', description: '', statements: 'DENY document:documents:read;' }),
  },
  '_actions/policies.ts#deletePolicyAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    namesObjects: true,
    input: (w) => ({ accountId: 'acme', policyId: w.policy }),
  },
  '_actions/policies.ts#deletePolicyAndReturnAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    namesObjects: true,
    input: (w) => ({ accountId: 'acme', policyId: w.policy }),
  },
  '_actions/service-users.ts#createServiceUserAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    input: () => ({ accountId: 'acme', email: 'matrix@service.example.com', name: 'Matrix', description: '' }),
  },
  '_actions/service-users.ts#deleteServiceUserAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    namesObjects: true,
    input: (w) => ({ accountId: 'acme', serviceUserId: w.ciBot }),
  },
  '_actions/simulator.ts#simulateAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    namesObjects: true,
    input: (w) => ({ accountId: 'acme', identity: `user:${w.id(EMAILS.alice)}`, environmentId: 'acme-prod', permission: 'document:documents:read', attributes: {} }),
  },
  '_actions/admin-tokens.ts#bulkTokensAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    namesObjects: true,
    input: (w) => ({ accountId: 'acme', action: 'disable', selection: { kind: 'ids', tokenIds: [w.aliceToken] } }),
  },
  '_actions/admin-tokens.ts#previewSelectionAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    input: () => ({ accountId: 'acme', filter: { q: '', status: 'all', sort: 'created', dir: 'desc', page: 1, size: 25 } }),
  },
  '_actions/admin-tokens.ts#setTokenManagementAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    input: () => ({ accountId: 'acme', allow: false }),
  },
  '_actions/admin-tokens.ts#setTokenPolicyAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    input: () => ({ accountId: 'acme', maxLifetimeDays: '90', disableUnusedDays: '' }),
  },
};

export async function buildWorld(database: TestDatabase): Promise<World> {
  const db = database.db;
  const [outsider, globexAdmin] = await db
    .insert(users)
    .values([
      { email: EMAILS.outsider, name: 'Outsider', passwordHash: 'x' },
      { email: EMAILS.globexAdmin, name: 'Globex admin', passwordHash: 'x' },
    ])
    .returning({ id: users.id });
  await db.insert(accountMembers).values([
    { accountId: 'globex', userId: outsider!.id, role: 'member' },
    { accountId: 'globex', userId: globexAdmin!.id, role: 'admin' },
  ]);
  const demo = await demoIdentities(db);
  const [group] = await db.select().from(groups).where(sql`${groups.accountId} = 'acme' and ${groups.name} = 'Developers'`);
  const [policy] = await db.select().from(policies).where(sql`${policies.accountId} = 'acme' and ${policies.name} = 'Developer access'`);
  const token = await insertTestToken(db, { owner: EMAILS.alice, scopes: ['document:documents:read'], environmentIds: ['acme-prod'] });
  const invitationCode = newOneTimeCode();
  const bobInvitationCode = newOneTimeCode();
  const [invitation] = await db
    .insert(invitations)
    .values([
      { accountId: 'acme', email: 'newcomer@example.com', role: 'member', codeHash: invitationCode.codeHash, expiresAt: sql`now() + interval '7 days'` },
      { accountId: 'globex', email: EMAILS.bob, role: 'member', codeHash: bobInvitationCode.codeHash, expiresAt: sql`now() + interval '7 days'` },
    ])
    .returning({ id: invitations.id });
  const resetCode = newOneTimeCode();
  await db.insert(passwordResets).values({ userId: demo.id(EMAILS.alice), codeHash: resetCode.codeHash, expiresAt: sql`now() + interval '1 hour'` });
  return {
    resetCode: resetCode.code,
    invitation: invitation!.id,
    invitationCode: invitationCode.code,
    bobInvitationCode: bobInvitationCode.code,
    db,
    id: demo.id,
    aliceToken: token.tokenId,
    group: group!.id,
    policy: policy!.id,
    ciBot: demo.id('acme/ci-bot@service.example.com'),
  };
}

export type Action = (input: unknown) => Promise<ActionResult<unknown>>;

/** Every exported function of every 'use server' file, keyed `file#name`. */
export async function loadServerActions(): Promise<{ key: string; run: Action }[]> {
  const actions: { key: string; run: Action }[] = [];
  for (const file of serverActionFiles()) {
    const exported = (await import(/* @vite-ignore */ path.join(APP, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(exported)) {
      if (typeof value === 'function') actions.push({ key: `${file}#${name}`, run: value as Action });
    }
  }
  return actions;
}
