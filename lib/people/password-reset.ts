import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import { hashOneTimeCode, isOneTimeCode, newOneTimeCode } from '@/lib/auth/one-time-codes';
import { hashPassword } from '@/lib/auth/password';
import { assertNewPasswordAllowed } from '@/lib/auth/password-rules';
import { revokeUserSessions } from '@/lib/auth/sessions';
import { clientKey } from '@/lib/http/client-ip';
import type { Db, Executor } from '@/lib/db';
import { passwordResets, users } from '@/lib/db/schema';
import { ValidationError } from '@/lib/errors';
import { parseInput } from '@/lib/iam/admin-guard';
import { failureStore } from '@/lib/failure-counts';
import { MemoryFailureStore, reserve, type FailureLimit, type FailureStore } from '@/lib/rate-limit';
import { processSingleton } from '@/lib/singleton';
import { requestPasswordResetSchema, resetPasswordSchema, type RequestPasswordResetInput, type ResetPasswordInput } from '@/lib/validations/people';
import { storePortalEmail, type Delivery } from './portal-email';
import { recordForEachAccount } from './profile';

// "Forgot password" (PRODUCT.md §9): an email with a one-time link valid for one hour. The answer
// is the same whether or not the email is known, and takes the same time (the email goes out after
// the answer, and every answer waits for the same floor).

const LIFETIME = sql`interval '1 hour'`;
export const RESET_ANSWER_FLOOR_MS = 400;
export const RESET_REQUESTED_MESSAGE =
  'If someone can sign in with that email, a link to choose a new password is on its way. It works once, for one hour.';

export interface ResetRequester {
  /** The client's address (clientIp). */
  ip: string | null;
  /** Set when this browser has signed in as the email, with its current password, before (requestDevice). */
  device: string | null;
}

const HOUR = 60 * 60_000;
const BY_CLIENT: FailureLimit = { scope: 'reset:client', limit: 10, windowMs: HOUR };
const BY_EMAIL: FailureLimit = { scope: 'reset:email', limit: 3, windowMs: HOUR };
const BY_DEVICE: FailureLimit = { scope: 'reset:device', limit: 5, windowMs: HOUR };

/**
 * Every request counts (each may send an email). A client may ask 10 times an hour, for any
 * emails; beyond that it is told to wait. An email gets at most 3 links an hour from browsers that
 * never signed in as it, and its owner's own browsers 5 more of their own: whoever floods an email
 * from elsewhere cannot keep its owner from getting a link. Unknown emails count the same way.
 * The counts live in the store: on PostgreSQL the table every instance shares. A request is
 * counted before it is decided (`reserve`), so requests made at once get no more than the caps;
 * one that is turned away is not counted.
 */
export class ResetLimits {
  constructor(private readonly store: FailureStore = new MemoryFailureStore()) {}

  /**
   * Counts the request: `wait` is the seconds the client must wait (it is told so, and nothing is
   * sent), else `send` says whether an email may go out for it (the answer is the same either way).
   */
  async take(requester: ResetRequester, email: string, now = Date.now()): Promise<{ wait: number; send: boolean }> {
    const { wait } = await reserve(this.store, [{ limit: BY_CLIENT, key: clientKey(requester.ip) }], now);
    if (wait > 0) return { wait, send: false };
    const key = requester.device ? { limit: BY_DEVICE, key: `${requester.device} ${email}` } : { limit: BY_EMAIL, key: email };
    return { wait: 0, send: (await reserve(this.store, [key], now)).wait === 0 };
  }
}

export const resetLimits = processSingleton('password-reset-limits', () => new ResetLimits(failureStore()));

export function tooManyResetRequestsMessage(seconds: number): string {
  const minutes = Math.ceil(seconds / 60);
  return `Too many requests from your network. Try again in ${minutes <= 1 ? 'a minute' : `${minutes} minutes`}.`;
}

function resetEmailBody(link: string): string {
  return [
    'Someone asked to choose a new password for this email on the platform tokens portal.',
    '',
    `Choose a new password: ${link}`,
    '',
    'The link works once, for one hour. If it was not you, ignore this email: your password stays as it is.',
  ].join('\n');
}

/**
 * Sends a reset link if the email belongs to someone and the limits allow; answers nothing either
 * way. Returns the delivery to run after answering (null when nothing is to be sent).
 */
export async function requestPasswordReset(
  db: Db,
  input: RequestPasswordResetInput,
  origin: string,
  requester: ResetRequester,
  limits: ResetLimits = resetLimits,
): Promise<Delivery> {
  const { email } = parseInput(requestPasswordResetSchema, input);
  const { wait, send } = await limits.take(requester, email);
  if (wait > 0) throw new ValidationError(tooManyResetRequestsMessage(wait));
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  if (!user || !send) return null;
  const { code, codeHash } = newOneTimeCode();
  return db.transaction(async (tx) => {
    // Only the newest link works.
    await tx.update(passwordResets).set({ usedAt: sql`now()` }).where(and(eq(passwordResets.userId, user.id), isNull(passwordResets.usedAt)));
    await tx.insert(passwordResets).values({ userId: user.id, codeHash, expiresAt: sql`now() + ${LIFETIME}` });
    const stored = await storePortalEmail(tx, {
      ownerUserId: user.id,
      to: email,
      subject: 'Choose a new password',
      body: resetEmailBody,
      link: `${origin}/reset-password/${code}`,
    });
    return stored.delivery(db);
  });
}

export type ResetState = 'valid' | 'used' | 'expired' | 'unknown';

export const RESET_MESSAGES: Record<Exclude<ResetState, 'valid'>, string> = {
  used: 'This link has been used already, or a newer one was sent. Ask for a new link if you still need one.',
  expired: 'This link has expired: links work for one hour. Ask for a new one.',
  unknown: 'This link is not valid. Check that you copied all of it, or ask for a new one.',
};

async function findReset(db: Executor, code: string, lock: boolean) {
  if (!isOneTimeCode(code)) return null;
  const query = db
    .select({ id: passwordResets.id, userId: passwordResets.userId, usedAt: passwordResets.usedAt, expired: sql<boolean>`${passwordResets.expiresAt} <= now()`, email: users.email })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .where(eq(passwordResets.codeHash, hashOneTimeCode(code)));
  const [row] = lock ? await query.for('update', { of: passwordResets }) : await query;
  return row ?? null;
}

const stateOf = (row: { usedAt: Date | null; expired: boolean } | null): ResetState =>
  !row ? 'unknown' : row.usedAt ? 'used' : row.expired ? 'expired' : 'valid';

export async function viewPasswordReset(db: Executor, code: string): Promise<ResetState> {
  return stateOf(await findReset(db, code, false));
}

/** Sets the new password; the link is used up, and every session of the person ends. */
export async function resetPassword(db: Db, input: ResetPasswordInput): Promise<{ email: string }> {
  const { code, password } = parseInput(resetPasswordSchema, input);
  const peek = await findReset(db, code, false);
  const peekState = stateOf(peek);
  if (peekState !== 'valid') throw ValidationError.field('code', RESET_MESSAGES[peekState]);
  assertNewPasswordAllowed(password, peek!.email);
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    // The person's row before their links, as Change password locks them (changePassword), so the
    // two cannot deadlock however many links are open.
    await tx.select({ id: users.id }).from(users).where(eq(users.id, peek!.userId)).for('update');
    const reset = await findReset(tx, code, true);
    const state = stateOf(reset);
    if (state !== 'valid') throw ValidationError.field('code', RESET_MESSAGES[state]);
    // Set from a link sent to the email: whoever set it owns the email.
    await tx.update(users).set({ passwordHash, passwordUnproven: false }).where(eq(users.id, reset!.userId));
    await tx.update(passwordResets).set({ usedAt: sql`now()` }).where(eq(passwordResets.id, reset!.id));
    await tx.update(passwordResets).set({ usedAt: sql`now()` }).where(and(eq(passwordResets.userId, reset!.userId), ne(passwordResets.id, reset!.id), isNull(passwordResets.usedAt)));
    const sessionsEnded = await revokeUserSessions(tx, reset!.userId);
    await recordForEachAccount(tx, { userId: reset!.userId, email: reset!.email }, { action: 'user.password_reset', details: { sessionsEnded } });
    return { email: reset!.email };
  });
}

/** Runs `work`, answering no sooner than `floorMs` after it began, so that timing tells nothing. */
export async function withAnswerFloor<T>(floorMs: number, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    const left = floorMs - (performance.now() - started);
    if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
  }
}
