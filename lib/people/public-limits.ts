import { ValidationError } from '@/lib/errors';
import { failureStore } from '@/lib/failure-counts';
import { clientKey } from '@/lib/http/client-ip';
import { reserve, type FailureLimit, type FailureStore, type LimitedKey, type Reservation } from '@/lib/rate-limit';

// Limits on what signed-out visitors can try: guessing setup, invitation and reset codes. Only
// failures count, per client (an IPv4 address or an IPv6 /64), so the person with the right code
// is never slowed down. Each attempt is counted before its code is checked (`reserve`), so that
// attempts made at once get no more guesses than the limit; one whose code was right, or that was
// refused for anything but its code (a short password, say), takes its count back. On PostgreSQL
// the counts are shared by every instance.

const WINDOW_MS = 10 * 60_000;

const CODES: FailureLimit = { scope: 'public-codes', limit: 20, windowMs: WINDOW_MS };

/** What counts against the limit: the code itself refused (unknown, used or expired). */
function isCodeRefusal(error: unknown): boolean {
  return error instanceof ValidationError && error.fieldErrors.code !== undefined;
}

export function tooManyAttemptsMessage(seconds: number): string {
  const minutes = Math.ceil(seconds / 60);
  return `Too many attempts with codes that did not work. Try again in ${minutes <= 1 ? 'a minute' : `${minutes} minutes`}.`;
}

/**
 * Runs an attempt that a one-time code entitles, under the client's limit: refused at the code
 * field while the client is over it; otherwise counted before it runs and counted back unless its
 * code was refused.
 */
export async function attemptWithCode<T>(
  ip: string | null,
  attempt: () => Promise<T>,
  { store = failureStore(), now = Date.now() }: { store?: FailureStore; now?: number } = {},
): Promise<T> {
  const keys: LimitedKey[] = [{ limit: CODES, key: clientKey(ip) }];
  const reservation = await reserve(store, keys, now);
  if (reservation.wait > 0) throw ValidationError.field('code', tooManyAttemptsMessage(reservation.wait));
  let result: T;
  try {
    result = await attempt();
  } catch (error) {
    if (!isCodeRefusal(error)) await countBack(reservation);
    throw error;
  }
  await countBack(reservation);
  return result;
}

/**
 * Takes an attempt's count back. The attempt's own outcome stands if this fails: the count then
 * stays, which errs on the side of the limit.
 */
async function countBack(reservation: Reservation): Promise<void> {
  try {
    await reservation.release();
  } catch (error) {
    console.error('[limits] a code attempt’s count could not be taken back:', error instanceof Error ? error.message : error);
  }
}
