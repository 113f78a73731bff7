import { clientKey } from '@/lib/http/client-ip';
import { FailureLimiter } from '@/lib/rate-limit';
import { PlatformError } from './errors';

// Failed bearer verifications per client. Only failures (401s) are counted, so valid traffic is
// never slowed; once a client has failed too often, what it sends is refused with 429 before
// the database is asked, until its window ends. A blocked client's valid tokens that are already
// in memory still work: the block costs an attacker its guesses, not a script its service.

export const FAILED_VERIFICATIONS_PER_MINUTE = 100;

export interface FailedVerificationsOptions {
  limit?: number;
  windowMs?: number;
  maxClients?: number;
}

export class FailedVerifications {
  private readonly limiter: FailureLimiter;

  constructor(options: FailedVerificationsOptions = {}) {
    this.limiter = new FailureLimiter({
      limit: options.limit ?? FAILED_VERIFICATIONS_PER_MINUTE,
      windowMs: options.windowMs ?? 60_000,
      maxKeys: options.maxClients ?? 100_000,
    });
  }

  /** Throws the 429 when this client is blocked; otherwise returns. */
  check(client: string | null, nowMs: number): void {
    const wait = this.limiter.retryAfter(clientKey(client), nowMs);
    if (wait > 0) throw tooManyFailures(wait);
  }

  /**
   * Counts the error when it is a failed verification (401) and returns what to answer: the
   * error itself, or the 429 once this failure has blocked the client.
   */
  count(error: unknown, client: string | null, nowMs: number): unknown {
    if (!(error instanceof PlatformError) || error.status !== 401) return error;
    const wait = this.limiter.fail(clientKey(client), nowMs);
    return wait > 0 ? tooManyFailures(wait) : error;
  }
}

function tooManyFailures(seconds: number): PlatformError {
  return new PlatformError(
    429,
    `Too many failed authentications from this client. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`,
    { 'Retry-After': String(seconds) },
  );
}
