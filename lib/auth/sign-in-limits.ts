import { clientKey } from '@/lib/http/client-ip';
import { FailureLimiter } from '@/lib/rate-limit';
import { processSingleton } from '@/lib/singleton';

// Failures only: a person who types the right password is never slowed down.
const byClient = processSingleton(
  'sign-in-failures-by-client',
  () => new FailureLimiter({ limit: 20, windowMs: 10 * 60_000 }),
);
// Counted for unknown emails too, so a block reveals nothing about which emails exist.
const byEmail = processSingleton(
  'sign-in-failures-by-email',
  () => new FailureLimiter({ limit: 10, windowMs: 10 * 60_000 }),
);

const clientLimitKey = (ip: string | null) => `ip:${clientKey(ip)}`;
const emailKey = (email: string) => `email:${email.trim().toLowerCase()}`;

/** Seconds until this client (or this email) may try again; 0 when it may try now. */
export function signInRetryAfter(ip: string | null, email?: string, now = Date.now()): number {
  return Math.max(byClient.retryAfter(clientLimitKey(ip), now), email ? byEmail.retryAfter(emailKey(email), now) : 0);
}

export function recordFailedSignIn(ip: string | null, email: string, now = Date.now()): void {
  byClient.fail(clientLimitKey(ip), now);
  byEmail.fail(emailKey(email), now);
}

export function tooManySignInsMessage(seconds: number): string {
  const minutes = Math.ceil(seconds / 60);
  return `Too many failed sign-ins. Try again in ${minutes <= 1 ? 'a minute' : `${minutes} minutes`}.`;
}
