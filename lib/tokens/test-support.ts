// The create form of the token tests, filled in as a person would for a token that passes every
// rule, and a way to run an operation while a concurrent change holds its locks.
import { sql } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db';
import { tokenFormSchema, type TokenFormInput, type TokenFormValues } from '@/lib/validations/tokens';

/** The form's fields before parsing: valid for alice in Acme, with the given changes. */
export function tokenFormFields(overrides: Partial<TokenFormInput> = {}): TokenFormInput {
  return {
    name: 'Nightly export',
    expiration: '30d',
    expiresAt: '',
    accountId: 'acme',
    appliesToAccount: false,
    environmentIds: ['acme-prod'],
    generateFor: 'myself',
    serviceUserId: '',
    scopes: ['document:documents:read'],
    ...overrides,
  };
}

/** The same form as the server action receives it, parsed. */
export function tokenInput(overrides: Partial<TokenFormInput> = {}): TokenFormValues {
  return tokenFormSchema.parse(tokenFormFields(overrides));
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

async function settle<T>(promise: Promise<T>): Promise<Outcome<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/** Resolves once another session of this database waits for a lock (polled), or after `timeoutMs`. */
async function someoneWaitsForALock(db: Db, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const result = (await db.execute(
      sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
    )) as unknown as { rows: { n: number }[] };
    if ((result.rows[0]?.n ?? 0) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A concurrent change on PostgreSQL: `change` runs in a transaction that stays open while
 * `attempt` starts on another connection; it commits once `attempt` has finished or waits for one
 * of its locks. What `attempt` then does shows whether it checked under a lock: one that did
 * waits and sees the change, one that did not has already acted on what was there before.
 */
export async function attemptDuringChange<T>(
  db: Db,
  change: (tx: Tx) => Promise<unknown>,
  attempt: () => Promise<T>,
): Promise<{ outcome: Outcome<T>; waited: boolean }> {
  let changed!: () => void;
  const ready = new Promise<void>((resolve) => (changed = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const transaction = db.transaction(async (tx) => {
    await change(tx);
    changed();
    await released;
  });
  await Promise.race([ready, transaction]);
  const attempted = settle(attempt());
  const first = await Promise.race([attempted.then(() => 'finished' as const), someoneWaitsForALock(db, 10_000).then(() => 'waiting' as const)]);
  release();
  await transaction;
  return { outcome: await attempted, waited: first === 'waiting' };
}
