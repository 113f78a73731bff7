import { clientIp, clientKey } from '@/lib/http/client-ip';
import { FailureLimiter } from '@/lib/rate-limit';
import { processSingleton } from '@/lib/singleton';
import { deviceCookie, knownDevice } from './sign-in-device';

/** Who is trying to sign in, as the limits tell clients apart. */
export interface SignInAttempt {
  /** The client's address (see clientIp), null when unknown. */
  ip: string | null;
  /** The email tried, when known. */
  email?: string;
  /** Set when this browser has signed in as this email before (see knownDevice). */
  device?: string | null;
}

const WINDOW_MS = 10 * 60_000;

/**
 * Failed sign-ins, counted so that nobody can lock another person out and guessing one password
 * stays slow however many clients take part. Only failures count: a right password is never
 * slowed down, and an attempt that is turned away is not counted again.
 *
 * - A browser that has signed in as the email before is counted on its own (10 per device and
 *   email), and nothing else blocks it: not failures on the email from elsewhere, not failures of
 *   others behind the same address.
 * - Any other client is limited per address (20, whatever the emails), per address and email (10),
 *   and, together with every other such client, per email (30). The last bound caps guessing one
 *   password from many addresses; when it is reached, only browsers that have signed in as that
 *   email before still get in until the window is over.
 *
 * Unknown emails are counted the same way, so a block reveals nothing about which emails exist.
 */
export class SignInLimits {
  private readonly byClient = new FailureLimiter({ limit: 20, windowMs: WINDOW_MS });
  private readonly byClientAndEmail = new FailureLimiter({ limit: 10, windowMs: WINDOW_MS });
  private readonly byEmail = new FailureLimiter({ limit: 30, windowMs: WINDOW_MS });
  private readonly byDevice = new FailureLimiter({ limit: 10, windowMs: WINDOW_MS });

  /** Seconds until this attempt may be made; 0 when it may be made now. */
  retryAfter(attempt: SignInAttempt, now = Date.now()): number {
    return Math.max(0, ...this.keys(attempt).map(([limiter, key]) => limiter.retryAfter(key, now)));
  }

  fail(attempt: SignInAttempt, now = Date.now()): void {
    for (const [limiter, key] of this.keys(attempt)) limiter.fail(key, now);
  }

  private keys({ ip, email, device }: SignInAttempt): [FailureLimiter, string][] {
    const client = clientKey(ip);
    // Longer than any email that can sign in; keeps junk input from growing the keys.
    const address = email?.trim().toLowerCase().slice(0, 320);
    if (address && device) return [[this.byDevice, `${device} ${address}`]];
    if (!address) return [[this.byClient, client]];
    return [
      [this.byClient, client],
      [this.byClientAndEmail, `${client} ${address}`],
      [this.byEmail, address],
    ];
  }
}

const limits = processSingleton('sign-in-limits', () => new SignInLimits());

/** The attempt a request makes: its client address and, for this email, its device cookie. */
export function signInAttempt(headers: Headers, email?: string): SignInAttempt {
  return { ip: clientIp(headers), email, device: email ? knownDevice(deviceCookie(headers), email) : null };
}

export function signInRetryAfter(attempt: SignInAttempt, now = Date.now()): number {
  return limits.retryAfter(attempt, now);
}

export function recordFailedSignIn(attempt: SignInAttempt, now = Date.now()): void {
  limits.fail(attempt, now);
}

export function tooManySignInsMessage(seconds: number): string {
  const minutes = Math.ceil(seconds / 60);
  return `Too many failed sign-ins. Try again in ${minutes <= 1 ? 'a minute' : `${minutes} minutes`}.`;
}
