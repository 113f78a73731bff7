// The create form of the token tests, filled in as a person would for a token that passes every
// rule, and ways to run operations while a concurrent change holds its locks.
import { sql } from 'drizzle-orm';
import { Client } from 'pg';
import type { Actor } from '@/lib/auth/users';
import type { Db, Tx } from '@/lib/db';
import { accountMembers, users, type MemberRole } from '@/lib/db/schema';
import { actorByEmail } from '@/lib/testing/demo';
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

export async function settle<T>(promise: Promise<T>): Promise<Outcome<T>> {
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

/** Someone new in the account, as their signed-in requests see them. */
export async function newMember(db: Db, accountId: string, email: string, role: MemberRole = 'member'): Promise<Actor> {
  const [user] = await db.insert(users).values({ email, name: email.slice(0, email.indexOf('@')) }).returning({ id: users.id });
  await db.insert(accountMembers).values({ accountId, userId: user!.id, role });
  return actorByEmail(db, email);
}

const LOCK_WAITS = `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`;

/**
 * A transaction on a connection of its own (PostgreSQL only) that holds row locks, so that the
 * operations started meanwhile queue behind it in a known order; `release` commits it, and the
 * queued operations go on in the order they came.
 */
export async function lockHolder(url: string) {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query('begin');
  return {
    query: (text: string, values: unknown[] = []) => client.query(text, values),
    /** Resolves once `n` sessions of the database wait for a lock; throws after 10 s. */
    async untilWaiting(n: number): Promise<void> {
      const deadline = Date.now() + 10_000;
      // Within a transaction the server shows each session's activity as it first read it, unless told to read again.
      const waiting = async () => (await client.query('select pg_stat_clear_snapshot()'), (await client.query<{ n: number }>(LOCK_WAITS)).rows[0]!.n);
      while ((await waiting()) < n) {
        if (Date.now() > deadline) throw new Error(`fewer than ${n} sessions wait for a lock`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    release: async () => {
      await client.query('commit');
    },
    end: () => client.end(),
  };
}

/**
 * Two operations started one after the other behind a lock that another connection holds on a
 * person's membership of an account (PostgreSQL only), as a token operation of theirs in another
 * tab would: once it is released, both finish when they take their locks in one order, and
 * PostgreSQL aborts one of them when they wait for each other in a circle. Their outcomes.
 */
export async function queuedBehindMembership<A, B>(
  url: string,
  { accountId, userId, lock }: { accountId: string; userId: string; lock: 'update' | 'share' },
  first: () => Promise<A>,
  second: () => Promise<B>,
): Promise<[Outcome<A>, Outcome<B>]> {
  const holder = await lockHolder(url);
  try {
    await holder.query(`select 1 from account_members where account_id = $1 and user_id = $2 for ${lock === 'update' ? 'update' : 'share'}`, [accountId, userId]);
    const firstDone = settle(first());
    await holder.untilWaiting(1);
    const secondDone = settle(second());
    await holder.untilWaiting(2);
    await holder.release();
    return [await firstDone, await secondDone];
  } finally {
    await holder.end();
  }
}
