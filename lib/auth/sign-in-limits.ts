import type { Executor } from '@/lib/db';
import { failureStore } from '@/lib/failure-counts';
import { clientIp, clientKey } from '@/lib/http/client-ip';
import { blockedFor, MemoryFailureStore, reserve, type FailureLimit, type FailureStore, type LimitedKey, type Reservation } from '@/lib/rate-limit';
import { processSingleton } from '@/lib/singleton';
import { requestDevice } from './sign-in-device';

/** Who is trying to sign in, as the limits tell clients apart. */
export interface SignInAttempt {
  /** The client's address (see clientIp), null when unknown. */
  ip: string | null;
  /** The email tried, when known. */
  email?: string;
  /** Set when this browser has signed in as this email, with its current password, before (see requestDevice). */
  device?: string | null;
}

const WINDOW_MS = 10 * 60_000;
const BY_CLIENT: FailureLimit = { scope: 'sign-in:client', limit: 20, windowMs: WINDOW_MS };
const BY_CLIENT_AND_EMAIL: FailureLimit = { scope: 'sign-in:client-email', limit: 10, windowMs: WINDOW_MS };
const BY_EMAIL: FailureLimit = { scope: 'sign-in:email', limit: 30, windowMs: WINDOW_MS };
const BY_DEVICE: FailureLimit = { scope: 'sign-in:device', limit: 10, windowMs: WINDOW_MS };

// Longer than any email that can sign in; keeps junk input from growing the keys.
const normalized = (email: string) => email.trim().toLowerCase().slice(0, 320);
/** The count of an email from every client together. */
const emailKeys = (email: string): LimitedKey[] => [{ limit: BY_EMAIL, key: normalized(email) }];

/**
 * Failed sign-ins, counted so that nobody can lock another person out and guessing one password
 * stays slow however many clients take part. Only failures count: a right password is never
 * slowed down, and an attempt that is turned away is not counted again.
 *
 * - A browser that has signed in as the email before, with the password it has now, is counted on
 *   its own (10 per device and email), and nothing else blocks it: not failures on the email from
 *   elsewhere, not failures of others behind the same address. A new password ends that for every
 *   browser that signed in before it, so that whoever once knew the old one guesses the new one
 *   no faster than any client.
 * - Any other client is limited per address (20, whatever the emails), per address and email (10),
 *   and, together with every other such client, per email (30). The last bound caps guessing one
 *   password from many addresses; when it is reached, only browsers that have signed in as that
 *   email before still get in until the window is over.
 *
 * Unknown emails are counted the same way, so a block reveals nothing about which emails exist.
 * The current password given to change it (lib/people/profile.ts) counts as a sign-in on the
 * email, so a stolen session guesses no faster than signing in allows.
 *
 * The counts live in the store: on PostgreSQL the table every instance shares, so the limits hold
 * for the cluster. Each attempt is counted before its password hash is checked (`reserve`), so
 * that attempts made at once get no more guesses than the limits; a right password takes its
 * count back, so a successful sign-in counts nothing.
 */
export class SignInLimits {
  constructor(private readonly store: FailureStore = new MemoryFailureStore()) {}

  /** Seconds until this attempt may be made; 0 when it may be made now. */
  async retryAfter(attempt: SignInAttempt, now = Date.now()): Promise<number> {
    const keys = this.keys(attempt);
    const windows = await this.store.read(keys, now);
    return Math.max(0, ...keys.map(({ limit }, i) => blockedFor(limit, windows[i] ?? null, now)));
  }

  async fail(attempt: SignInAttempt, now = Date.now()): Promise<void> {
    await this.store.fail(this.keys(attempt), now);
  }

  /**
   * Counts the attempt before its password is checked: `wait` is the seconds to wait when it is
   * over a limit (it is refused); a right password takes the count back with `release`.
   */
  async reserve(attempt: SignInAttempt, now = Date.now()): Promise<Reservation> {
    return reserve(this.store, this.keys(attempt), now);
  }

  /** As `reserve`, for the current password of a signed-in person: counted on their email alone. */
  async reservePasswordCheck(email: string, now = Date.now()): Promise<Reservation> {
    return reserve(this.store, emailKeys(email), now);
  }

  private keys({ ip, email, device }: SignInAttempt): LimitedKey[] {
    const client = clientKey(ip);
    const address = email && normalized(email);
    if (address && device) return [{ limit: BY_DEVICE, key: `${device} ${address}` }];
    if (!address) return [{ limit: BY_CLIENT, key: client }];
    return [
      { limit: BY_CLIENT, key: client },
      { limit: BY_CLIENT_AND_EMAIL, key: `${client} ${address}` },
      { limit: BY_EMAIL, key: address },
    ];
  }
}

export const signInLimits = processSingleton('sign-in-limits', () => new SignInLimits(failureStore()));

/** The attempt a request makes: its client address and, for this email, its device cookie. */
export async function signInAttempt(db: Executor, headers: Headers, email?: string): Promise<SignInAttempt> {
  return { ip: clientIp(headers), email, device: email ? await requestDevice(db, headers, email) : null };
}

export function signInRetryAfter(attempt: SignInAttempt, now = Date.now()): Promise<number> {
  return signInLimits.retryAfter(attempt, now);
}

export function tooManySignInsMessage(seconds: number): string {
  const minutes = Math.ceil(seconds / 60);
  return `Too many failed sign-ins. Try again in ${minutes <= 1 ? 'a minute' : `${minutes} minutes`}.`;
}
