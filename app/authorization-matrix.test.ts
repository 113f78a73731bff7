// Every server action of the app, found by reading the source tree, is called by people who must
// be refused: nobody signed in, another user, a member of another account, an admin of another
// account (with their own account ID and with the target's), and a non-admin for admin actions.
// Each must be refused and leave the database exactly as it was; the rightful caller then
// succeeds with the same input, which shows the refusals were about who asked, not the input.
// A new action without an entry in FIXTURES fails this test.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadActor, type Actor } from '@/lib/auth/users';
import type { Db } from '@/lib/db';
import { databaseSnapshot } from '@/lib/db/snapshot';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { buildWorld, EMAILS, FIXTURES, loadServerActions, PUBLIC, PUBLIC_INPUTS, serverActionFiles, type Action, type Who } from './_test/server-actions';

const session = vi.hoisted(() => ({ actor: null as Actor | null, db: null as Db | null }));

vi.mock('server-only', () => ({}));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined, updateTag: () => undefined }));
vi.mock('@/app/_lib/session', () => ({
  currentActor: async () => session.actor,
  requireActor: async () => session.actor,
  requireAccountAdmin: async () => session.actor,
  currentSessionId: async () => null,
}));
vi.mock('next/headers', () => ({
  headers: async () => new Headers({ 'x-forwarded-for': '192.0.2.1', host: 'localhost:3000' }),
  cookies: async () => ({ get: () => undefined, set: () => undefined, delete: () => undefined }),
}));
vi.mock('@/lib/db', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/lib/db')>()),
  getDb: async () => session.db,
}));

async function call(action: Action, actor: Actor | null, input: unknown) {
  session.actor = actor;
  return action(input);
}

const hasAccount = (input: unknown): input is { accountId: string } =>
  !!input && typeof input === 'object' && 'accountId' in input;

/** The same input, pointed at the caller's own account. */
const withAccount = (input: { accountId: string }, accountId: string) => ({ ...input, accountId });

describe(`authorization matrix of the server actions (${testBackend})`, async () => {
  const files = serverActionFiles();
  const actions = await loadServerActions();

  it('finds the server actions in the source tree', () => {
    expect(files.length).toBeGreaterThanOrEqual(7);
    expect(actions.length).toBeGreaterThanOrEqual(25);
  });

  it('has an entry for every action (add new ones to FIXTURES or PUBLIC)', () => {
    const keys = actions.map((a) => a.key);
    expect(keys.filter((key) => !FIXTURES[key] && !PUBLIC[key])).toEqual([]);
    expect(Object.keys({ ...FIXTURES, ...PUBLIC }).filter((key) => !keys.includes(key))).toEqual([]);
    expect(Object.keys(PUBLIC_INPUTS).filter((key) => !PUBLIC[key])).toEqual([]);
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
