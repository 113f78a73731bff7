// Every server action of the app, found by reading the source tree, is called by people who must
// be refused: nobody signed in, another user, a member of another account, an admin of another
// account (with their own account ID and with the target's), and a non-admin for admin actions.
// Each must be refused and leave the database exactly as it was; the rightful caller then
// succeeds with the same input, which shows the refusals were about who asked, not the input.
// A new action without an entry in FIXTURES fails this test.
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadActor, type Actor } from '@/lib/auth/users';
import type { Db } from '@/lib/db';
import { accountMembers, groups, policies, serviceUsers, users } from '@/lib/db/schema';
import { databaseSnapshot } from '@/lib/db/snapshot';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { insertTestToken } from '@/lib/platform/testing';
import type { ActionResult } from '@/lib/validations/result';

const session = vi.hoisted(() => ({ actor: null as Actor | null, db: null as Db | null }));

vi.mock('server-only', () => ({}));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined, updateTag: () => undefined }));
vi.mock('@/app/_lib/session', () => ({
  currentActor: async () => session.actor,
  requireActor: async () => session.actor,
  requireAccountAdmin: async () => session.actor,
}));
vi.mock('@/lib/db', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/lib/db')>()),
  getDb: async () => session.db,
}));

const APP = path.join(process.cwd(), 'app');

/** Files that start with 'use server', relative to app/. */
function serverActionFiles(dir = APP): string[] {
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
const PUBLIC: Record<string, string> = {
  '(auth)/sign-in/actions.ts#signInAction': 'signing in is what a signed-out visitor does',
  '_lib/sign-out.ts#signOutAction': 'signing out only ends the caller’s own session',
};

type Who = 'alice' | 'bob' | 'admin' | 'outsider' | 'globexAdmin';
const EMAILS: Record<Who, string> = {
  alice: 'alice@example.com',
  bob: 'bob@example.com',
  admin: 'admin@example.com',
  outsider: 'outsider@example.com',
  globexAdmin: 'globex-admin@example.com',
};

interface World {
  db: Db;
  id: (email: string) => string;
  aliceToken: string;
  group: string;
  policy: string;
  ciBot: string;
}

interface Fixture {
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

const tokenForm = (overrides: Record<string, unknown> = {}) => ({
  name: 'Matrix token',
  expiration: '30d',
  expiresAt: '',
  accountId: 'acme',
  appliesToAccount: false,
  environmentIds: ['acme-prod'],
  generateFor: 'myself',
  serviceUserId: '',
  scopes: ['document:documents:read'],
  ...overrides,
});

const FIXTURES: Record<string, Fixture> = {
  '(portal)/platform-tokens/actions.ts#generateTokenAction': {
    allowed: 'alice',
    refused: ['outsider', 'globexAdmin'],
    input: () => tokenForm(),
  },
  '(portal)/platform-tokens/actions.ts#duplicateTokenAction': {
    allowed: 'alice',
    refused: NOT_TOKEN_PEOPLE,
    namesObjects: true,
    input: (w) => ({ ...tokenForm({ name: 'Duplicate of: Matrix' }), sourceTokenId: w.aliceToken }),
  },
  '(portal)/platform-tokens/actions.ts#disableTokenAction': { allowed: 'alice', refused: NOT_TOKEN_PEOPLE, namesObjects: true,
    input: (w) => ({ tokenId: w.aliceToken }) },
  '(portal)/platform-tokens/actions.ts#enableTokenAction': { allowed: 'admin', refused: NOT_TOKEN_PEOPLE, input: (w) => ({ tokenId: w.aliceToken }) },
  '(portal)/platform-tokens/actions.ts#deleteTokenAction': { allowed: 'alice', refused: NOT_TOKEN_PEOPLE, input: (w) => ({ tokenId: w.aliceToken }) },
  '(portal)/platform-tokens/actions.ts#rotateTokenAction': {
    allowed: 'alice',
    refused: NOT_TOKEN_PEOPLE,
    input: (w) => ({
      tokenId: w.aliceToken,
      expireOld: 'immediately',
      oldExpiresAt: '',
      name: 'Matrix token rotated',
      expiration: '30d',
      expiresAt: '',
      timeZone: 'UTC',
    }),
  },
  '(portal)/accounts/[accountId]/iam/groups/actions.ts#createGroupAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    input: () => ({ accountId: 'acme', name: 'Matrix group', description: '' }),
  },
  '(portal)/accounts/[accountId]/iam/groups/actions.ts#renameGroupAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    namesObjects: true,
    input: (w) => ({ accountId: 'acme', groupId: w.group, name: 'Renamed', description: '' }),
  },
  '(portal)/accounts/[accountId]/iam/groups/actions.ts#deleteGroupAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    namesObjects: true,
    input: (w) => ({ accountId: 'acme', groupId: w.group }),
  },
  '(portal)/accounts/[accountId]/iam/groups/actions.ts#deleteGroupAndReturnAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    namesObjects: true,
    input: (w) => ({ accountId: 'acme', groupId: w.group }),
  },
  '(portal)/accounts/[accountId]/iam/groups/actions.ts#addGroupMemberAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    namesObjects: true,
    input: (w) => ({ accountId: 'acme', groupId: w.group, member: `service-user:${w.ciBot}` }),
  },
  '(portal)/accounts/[accountId]/iam/groups/actions.ts#removeGroupMemberAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    namesObjects: true,
    input: (w) => ({ accountId: 'acme', groupId: w.group, member: `user:${w.id(EMAILS.alice)}` }),
  },
  '(portal)/accounts/[accountId]/iam/groups/actions.ts#bindPolicyAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    namesObjects: true,
    input: (w) => ({ accountId: 'acme', groupId: w.group, policyId: w.policy, accountWide: false, environmentIds: ['acme-prod'] }),
  },
  '(portal)/accounts/[accountId]/iam/groups/actions.ts#unbindPolicyAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    namesObjects: true,
    input: (w) => ({ accountId: 'acme', groupId: w.group, policyId: w.policy }),
  },
  '(portal)/accounts/[accountId]/iam/policies/actions.ts#createPolicyAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    input: () => ({ accountId: 'acme', name: 'Matrix policy', description: '', statements: 'ALLOW document:documents:read;' }),
  },
  '(portal)/accounts/[accountId]/iam/policies/actions.ts#updatePolicyAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    namesObjects: true,
    input: (w) => ({ accountId: 'acme', policyId: w.policy, name: 'Developer access', description: '', statements: 'DENY document:documents:read;' }),
  },
  '(portal)/accounts/[accountId]/iam/policies/actions.ts#deletePolicyAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    namesObjects: true,
    input: (w) => ({ accountId: 'acme', policyId: w.policy }),
  },
  '(portal)/accounts/[accountId]/iam/policies/actions.ts#deletePolicyAndReturnAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    namesObjects: true,
    input: (w) => ({ accountId: 'acme', policyId: w.policy }),
  },
  '(portal)/accounts/[accountId]/iam/service-users/actions.ts#createServiceUserAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    input: () => ({ accountId: 'acme', email: 'matrix@service.example.com', name: 'Matrix', description: '' }),
  },
  '(portal)/accounts/[accountId]/iam/service-users/actions.ts#deleteServiceUserAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    namesObjects: true,
    input: (w) => ({ accountId: 'acme', serviceUserId: w.ciBot }),
  },
  '(portal)/accounts/[accountId]/iam/simulator/actions.ts#simulateAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    namesObjects: true,
    input: (w) => ({ accountId: 'acme', identity: `user:${w.id(EMAILS.alice)}`, environmentId: 'acme-prod', permission: 'document:documents:read', attributes: {} }),
  },
  '(portal)/accounts/[accountId]/iam/platform-tokens/actions.ts#bulkTokensAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    namesObjects: true,
    input: (w) => ({ accountId: 'acme', action: 'disable', selection: { kind: 'ids', tokenIds: [w.aliceToken] } }),
  },
  '(portal)/accounts/[accountId]/iam/platform-tokens/actions.ts#previewSelectionAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    input: () => ({ accountId: 'acme', filter: { q: '', status: 'all', sort: 'created', dir: 'desc', page: 1, size: 25 } }),
  },
  '(portal)/accounts/[accountId]/iam/platform-tokens/actions.ts#setTokenManagementAction': {
    allowed: 'admin',
    refused: NOT_ADMINS,
    input: () => ({ accountId: 'acme', allow: false }),
  },
};

async function buildWorld(database: TestDatabase): Promise<World> {
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
  const ids = new Map((await db.select().from(users)).map((u) => [u.email, u.id]));
  const [group] = await db.select().from(groups).where(sql`${groups.accountId} = 'acme' and ${groups.name} = 'Developers'`);
  const [policy] = await db.select().from(policies).where(sql`${policies.accountId} = 'acme' and ${policies.name} = 'Developer access'`);
  const [ciBot] = await db.select().from(serviceUsers).where(sql`${serviceUsers.email} = 'ci-bot@service.example.com'`);
  const token = await insertTestToken(db, { owner: EMAILS.alice, scopes: ['document:documents:read'], environmentIds: ['acme-prod'] });
  return {
    db,
    id: (email) => ids.get(email)!,
    aliceToken: token.tokenId,
    group: group!.id,
    policy: policy!.id,
    ciBot: ciBot!.id,
  };
}

async function call(action: (input: unknown) => Promise<ActionResult<unknown>>, actor: Actor | null, input: unknown) {
  session.actor = actor;
  return action(input);
}

const hasAccount = (input: unknown): input is { accountId: string } =>
  !!input && typeof input === 'object' && 'accountId' in input;

/** The same input, pointed at the caller's own account. */
const withAccount = (input: { accountId: string }, accountId: string) => ({ ...input, accountId });

describe(`authorization matrix of the server actions (${testBackend})`, async () => {
  const files = serverActionFiles();
  const actions: { key: string; run: (input: unknown) => Promise<ActionResult<unknown>> }[] = [];
  for (const file of files) {
    const exported = (await import(/* @vite-ignore */ path.join(APP, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(exported)) {
      if (typeof value === 'function') actions.push({ key: `${file}#${name}`, run: value as never });
    }
  }

  it('finds the server actions in the source tree', () => {
    expect(files.length).toBeGreaterThanOrEqual(7);
    expect(actions.length).toBeGreaterThanOrEqual(25);
  });

  it('has an entry for every action (add new ones to FIXTURES or PUBLIC)', () => {
    const keys = actions.map((a) => a.key);
    expect(keys.filter((key) => !FIXTURES[key] && !PUBLIC[key])).toEqual([]);
    expect(Object.keys({ ...FIXTURES, ...PUBLIC }).filter((key) => !keys.includes(key))).toEqual([]);
  });

  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase();
    session.db = database.db;
  });
  afterEach(async () => {
    session.actor = null;
    await database.close();
  });

  for (const { key, run } of actions.filter((a) => FIXTURES[a.key])) {
    it(`${key} refuses everyone but the rightful caller`, async () => {
      const fixture = FIXTURES[key]!;
      const world = await buildWorld(database);
      const input = fixture.input(world);
      const actor = async (who: Who) => (await loadActor(world.db, world.id(EMAILS[who])))!;
      const before = await databaseSnapshot(world.db);

      const attempts: [string, Actor | null, unknown][] = [['nobody signed in', null, input]];
      for (const who of fixture.refused) attempts.push([who, await actor(who), input]);
      for (const [label, who, attemptInput] of attempts) {
        const result = await call(run, who, attemptInput);
        expect(result.ok, `${label} must be refused`).toBe(false);
        expect(await databaseSnapshot(world.db), `${label} must change nothing`).toBe(before);
      }
      if (fixture.namesObjects && hasAccount(input)) {
        for (const who of ['globexAdmin', 'outsider'] as const) {
          await call(run, await actor(who), withAccount(input, 'globex')).catch(() => undefined);
          expect(await databaseSnapshot(world.db), `${who} naming Acme's objects from Globex must change nothing`).toBe(before);
        }
      }

      const allowed = await call(run, await actor(fixture.allowed), input).catch((error: unknown) => {
        // Actions that finish on another page redirect; that is success.
        if (error instanceof Error && error.message === 'NEXT_REDIRECT') return { ok: true as const, data: null };
        throw error;
      });
      expect(allowed.ok ? 'ok' : allowed.message, `${fixture.allowed} may do it`).toBe('ok');
    });
  }
});
