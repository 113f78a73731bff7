import { clientKey } from '@/lib/http/client-ip';
import { FailureLimiter } from '@/lib/rate-limit';
import { processSingleton } from '@/lib/singleton';

// Limits on what signed-out visitors can try: guessing setup, invitation and reset codes. Only
// failures count, per client (an IPv4 address or an IPv6 /64), so the person with the right code
// is never slowed down. Each instance counts its own.

const WINDOW_MS = 10 * 60_000;

const limiters = processSingleton('public-code-limits', () => ({
  codes: new FailureLimiter({ limit: 20, windowMs: WINDOW_MS }),
}));

export function codeAttemptsRetryAfter(ip: string | null, now = Date.now()): number {
  return limiters.codes.retryAfter(clientKey(ip), now);
}

export function recordFailedCode(ip: string | null, now = Date.now()): void {
  limiters.codes.fail(clientKey(ip), now);
}

export function tooManyAttemptsMessage(seconds: number): string {
  const minutes = Math.ceil(seconds / 60);
  return `Too many attempts with codes that did not work. Try again in ${minutes <= 1 ? 'a minute' : `${minutes} minutes`}.`;
}
