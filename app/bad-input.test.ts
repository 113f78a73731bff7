// Every field of every server action gets malformed values: the wrong type, empty, huge, NUL and
// lone surrogates, SQL and HTML. The action must answer (never fail unexpectedly, the equivalent
// of a 500); a wrong type, text PostgreSQL cannot store and a huge value must be refused at their
// field; any refusal names the field it is about (when it is about one) and changes nothing.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadActor, type Actor } from '@/lib/auth/users';
import type { Db } from '@/lib/db';
import { databaseSnapshot } from '@/lib/db/snapshot';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import type { ActionResult } from '@/lib/validations/result';
import { buildWorld, EMAILS, FIXTURES, loadServerActions, PUBLIC_INPUTS, type Action } from './_test/server-actions';

const session = vi.hoisted(() => ({ actor: null as Actor | null, db: null as Db | null }));

vi.mock('server-only', () => ({}));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined, updateTag: () => undefined }));
vi.mock('@/app/_lib/session', () => ({
  currentActor: async () => session.actor,
  requireActor: async () => session.actor,
  requireAccountAdmin: async () => session.actor,
  currentSessionId: async () => null,
}));
// Public actions read the client's address for their rate limits; here every call is one client.
vi.mock('next/headers', () => ({
  headers: async () => new Headers({ 'x-forwarded-for': '192.0.2.1', host: 'portal.test' }),
  cookies: async () => ({ get: () => undefined, set: () => undefined, delete: () => undefined }),
}));
vi.mock('@/lib/db', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/lib/db')>()),
  getDb: async () => session.db,
}));

const UNEXPECTED = 'Something went wrong';

/** Runs an action; one that finishes on another page redirects, which is success. */
async function runAction(action: Action, input: unknown): Promise<ActionResult<unknown>> {
  try {
    return await action(input);
  } catch (error) {
    if (error instanceof Error && error.message === 'NEXT_REDIRECT') return { ok: true, data: null };
    throw error;
  }
}

/** Always malformed: refused at the field, anywhere inside it. */
const UNSTORABLE_STRINGS = ['nul\u0000byte', 'lone \uD800 surrogate', 'lone \uDC00'];
/** Always malformed as a field's text: refused at the field. */
const HUGE_STRING = 'x'.repeat(100_000);

/** Possibly valid values: when refused, the refusal names the field. */
const HOSTILE_STRINGS = [
  '',
  '   ',
  "'; drop table platform_tokens; --",
  '<script>alert(1)</script><img src=x onerror=alert(1)>',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ‮reversed‬ 🙂',
  '-271821-04-20T00:00:00Z',
  '9999-99-99',
];

/** Values of another type than the valid one: these must always be refused at the field. */
function wrongTypes(valid: unknown): unknown[] {
  if (typeof valid === 'string') return [null, 42, {}, ['a']];
  if (typeof valid === 'boolean') return ['yes', null, 1];
  if (Array.isArray(valid)) return ['x', null, { 0: 'a' }, [null], [42]];
  if (valid && typeof valid === 'object') return ['x', null, [1]];
  return [null, 'x', {}];
}

/**
 * The value with its strings (the value itself, or those one level inside an object or array)
 * replaced by `text`, one at a time; a value without strings gets `text` as a whole.
 */
function withStringsReplaced(value: unknown, text: string): unknown[] {
  if (Array.isArray(value) && value.some((v) => typeof v === 'string')) {
    return value.flatMap((v, i) => (typeof v === 'string' ? [value.map((w, j) => (j === i ? text : w))] : []));
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value).filter((k) => typeof (value as Record<string, unknown>)[k] === 'string');
    if (keys.length > 0) return keys.map((k) => ({ ...value, [k]: text }));
  }
  return [text];
}

/** Whether a refusal names the field: an error at it, or a message about it ('tokenId': "This token …"). */
function namesField(result: { message: string; fieldErrors: Record<string, string> }, field: string): boolean {
  if (Object.hasOwn(result.fieldErrors, field)) return true;
  const words = field.split(/(?=[A-Z])/).map((w) => w.toLowerCase()).filter((w) => w.length >= 4);
  return words.some((w) => result.message.toLowerCase().includes(w.replace(/s$/, '')));
}

describe(`bad input to every server action (${testBackend})`, async () => {
  const actions = (await loadServerActions()).filter((a) => FIXTURES[a.key] || PUBLIC_INPUTS[a.key]);

  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase();
    session.db = database.db;
  });
  afterEach(async () => {
    session.actor = null;
    await database.close();
  });

  for (const { key, run } of actions) {
    it(key, async () => {
      const fixture = FIXTURES[key];
      const world = await buildWorld(database);
      session.actor = fixture ? await loadActor(world.db, world.id(EMAILS[fixture.allowed])) : null;
      const valid = (fixture ? fixture.input(world) : PUBLIC_INPUTS[key]!(world)) as Record<string, unknown>;

      for (const input of [null, undefined, 'text', 42, [], {}]) {
        const before = await databaseSnapshot(world.db);
        const result = await runAction(run, input);
        const label = `${JSON.stringify(input)} as the whole input`;
        expect(result.ok, label).toBe(false);
        if (!result.ok) expect(result.message, label).not.toContain(UNEXPECTED);
        expect(await databaseSnapshot(world.db), label).toBe(before);
      }

      for (const [field, value] of Object.entries(valid)) {
        for (const wrong of wrongTypes(value)) {
          const before = await databaseSnapshot(world.db);
          const result = await runAction(run, { ...valid, [field]: wrong });
          const label = `${field} = ${JSON.stringify(wrong)}`;
          expect(result.ok, label).toBe(false);
          if (!result.ok) {
            expect(result.message, label).not.toContain(UNEXPECTED);
            expect(Object.keys(result.fieldErrors), label).toContain(field);
          }
          expect(await databaseSnapshot(world.db), label).toBe(before);
        }
      }

      // Text that cannot be stored, and huge text, in a field or anywhere inside it.
      for (const [field, value] of Object.entries(valid)) {
        const refusedValues = [
          ...UNSTORABLE_STRINGS.flatMap((text) => withStringsReplaced(value, text)),
          ...(typeof value === 'string' ? [HUGE_STRING] : []),
        ];
        for (const wrong of refusedValues) {
          const before = await databaseSnapshot(world.db);
          const result = await runAction(run, { ...valid, [field]: wrong });
          const label = `${field} = ${JSON.stringify(wrong).slice(0, 60)}`;
          expect(result.ok, label).toBe(false);
          if (!result.ok) {
            expect(result.message, label).not.toContain(UNEXPECTED);
            expect(Object.keys(result.fieldErrors), label).toContain(field);
          }
          expect(await databaseSnapshot(world.db), label).toBe(before);
        }
      }

      // Hostile strings may be valid values (then the change happens); a refusal names the field.
      for (const [field, value] of Object.entries(valid)) {
        if (typeof value !== 'string') continue;
        for (const hostile of HOSTILE_STRINGS) {
          const before = await databaseSnapshot(world.db);
          const result = await runAction(run, { ...valid, [field]: hostile });
          const label = `${field} = ${JSON.stringify(hostile.slice(0, 40))}`;
          if (!result.ok) {
            expect(result.message, label).not.toContain(UNEXPECTED);
            expect(await databaseSnapshot(world.db), label).toBe(before);
            // A refusal that does not name the field must be one the valid input gets too (a limit
            // reached, a name taken by an earlier accepted value), not one this value caused.
            if (!namesField(result, field)) {
              const control = await runAction(run, valid);
              expect(control.ok ? null : control.message, `${label}: ${result.message} ${JSON.stringify(result.fieldErrors)}`).toBe(result.message);
            }
          }
        }
      }
    });
  }
});
