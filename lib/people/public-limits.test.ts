import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { AppError, ValidationError } from '@/lib/errors';
import { MemoryFailureStore, type FailureStore } from '@/lib/rate-limit';
import { freshFailureStores } from '@/lib/testing/failure-stores';
import { attemptWithCode } from './public-limits';

const T = 1_000_000;
const ATTACKER = '198.51.100.7';
const WRONG_CODE = () => ValidationError.field('code', 'This link is not valid any more.');
const BLOCKED = 'Too many attempts with codes that did not work. Try again in 10 minutes.';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase({ seed: false });
});
afterAll(() => database.close());

const stores = freshFailureStores(() => database.db);

/** The field errors of a refusal, or the value it resolved with. */
async function outcome(promise: Promise<unknown>): Promise<unknown> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof AppError) return error.fieldErrors;
    throw error;
  }
}

describe.each(stores)('code attempts, counted %s', (_, fresh) => {
  it('let at most 20 wrong codes tried at once go ahead; the rest are refused at the code, and so is the next', async () => {
    const store = await fresh();
    let tried = 0;
    const wrongCode = async () => {
      tried++;
      // Slower than the counting, as looking a code up is.
      await new Promise((resolve) => setTimeout(resolve, 20));
      throw WRONG_CODE();
    };
    const outcomes = await Promise.all(Array.from({ length: 40 }, () => outcome(attemptWithCode(ATTACKER, wrongCode, { store, now: T }))));
    expect(tried).toBe(20);
    expect(outcomes.filter((o) => JSON.stringify(o) === JSON.stringify({ code: 'This link is not valid any more.' }))).toHaveLength(20);
    expect(outcomes.filter((o) => JSON.stringify(o) === JSON.stringify({ code: BLOCKED }))).toHaveLength(20);
    // The right code from that client waits too, and from another client it goes ahead.
    expect(await outcome(attemptWithCode(ATTACKER, async () => 'set', { store, now: T + 1 }))).toEqual({ code: BLOCKED });
    expect(await attemptWithCode('203.0.113.9', async () => 'set', { store, now: T + 1 })).toBe('set');
    // Once the window has passed, the client may try again.
    expect(await attemptWithCode(ATTACKER, async () => 'set', { store, now: T + 10 * 60_000 })).toBe('set');
  });

  it('count nothing for a right code, nor for a refusal of anything but the code', async () => {
    const store = await fresh();
    for (let i = 0; i < 30; i++) expect(await attemptWithCode(ATTACKER, async () => i, { store, now: T })).toBe(i);
    const shortPassword = async () => {
      throw ValidationError.field('password', 'Use at least 12 characters.');
    };
    for (let i = 0; i < 30; i++) {
      expect(await outcome(attemptWithCode(ATTACKER, shortPassword, { store, now: T }))).toEqual({ password: 'Use at least 12 characters.' });
    }
    const failing = async () => {
      throw new Error('database unreachable');
    };
    await expect(attemptWithCode(ATTACKER, failing, { store, now: T })).rejects.toThrow('database unreachable');
    // All 20 wrong codes still go ahead.
    let tried = 0;
    for (let i = 0; i < 25; i++) {
      await outcome(
        attemptWithCode(
          ATTACKER,
          async () => {
            tried++;
            throw WRONG_CODE();
          },
          { store, now: T },
        ),
      );
    }
    expect(tried).toBe(20);
  });
});

describe('a code attempt', () => {
  it('that succeeded stands when its count cannot be taken back', async () => {
    const memory = new MemoryFailureStore();
    const store: FailureStore = {
      fail: (keys, now) => memory.fail(keys, now),
      read: (keys, now) => memory.read(keys, now),
      release: async () => {
        throw new Error('database unreachable');
      },
    };
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await attemptWithCode(ATTACKER, async () => 'set', { store, now: T })).toBe('set');
      expect(logged).toHaveBeenCalledWith(expect.stringContaining('could not be taken back'), 'database unreachable');
    } finally {
      logged.mockRestore();
    }
  });
});
