import { clientKey } from '@/lib/http/client-ip';
import { failureStore } from '@/lib/failure-counts';
import { blockedFor, type FailureLimit } from '@/lib/rate-limit';

// Limits on what signed-out visitors can try: guessing setup, invitation and reset codes. Only
// failures count, per client (an IPv4 address or an IPv6 /64), so the person with the right code
// is never slowed down. On PostgreSQL the counts are shared by every instance.

const WINDOW_MS = 10 * 60_000;

const CODES: FailureLimit = { scope: 'public-codes', limit: 20, windowMs: WINDOW_MS };

export async function codeAttemptsRetryAfter(ip: string | null, now = Date.now()): Promise<number> {
  const [window] = await failureStore().read([{ limit: CODES, key: clientKey(ip) }], now);
  return blockedFor(CODES, window ?? null, now);
}

export async function recordFailedCode(ip: string | null, now = Date.now()): Promise<void> {
  await failureStore().fail([{ limit: CODES, key: clientKey(ip) }], now);
}

export function tooManyAttemptsMessage(seconds: number): string {
  const minutes = Math.ceil(seconds / 60);
  return `Too many attempts with codes that did not work. Try again in ${minutes <= 1 ? 'a minute' : `${minutes} minutes`}.`;
}
