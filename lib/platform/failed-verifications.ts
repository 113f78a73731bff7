import { clientKey } from '@/lib/http/client-ip';
import { blockedFor, ExpiringMap, MemoryFailureStore, type FailureLimit, type FailureStore } from '@/lib/rate-limit';
import { PlatformError } from './errors';

// Failed bearer verifications per client. Only failures (401s) are counted, so valid traffic is
// never slowed and a successful verification writes nothing; once a client has failed too
// often, what it sends is refused with 429 before the database is asked, until its window ends.
// A blocked client's valid tokens that are already in memory still work: the block costs an
// attacker its guesses, not a script its service.
//
// The counts live in the store (on PostgreSQL the table every instance shares), so the limit
// holds for the cluster. Whether a client is blocked is answered from what this instance has
// learnt from its own failures' counts, without a query: an instance that has not yet seen the
// block lets one more failure through, whose count then blocks the client there too.

export const FAILED_VERIFICATIONS_PER_MINUTE = 100;

export interface FailedVerificationsOptions {
  limit?: number;
  windowMs?: number;
  maxClients?: number;
  /** Where the failures are counted; this process's memory when absent. */
  store?: FailureStore;
}

export class FailedVerifications {
  private readonly limit: FailureLimit;
  private readonly store: FailureStore;
  private readonly blocked: ExpiringMap<{ resetAt: number }>;

  constructor(options: FailedVerificationsOptions = {}) {
    this.limit = {
      scope: 'verification',
      limit: options.limit ?? FAILED_VERIFICATIONS_PER_MINUTE,
      windowMs: options.windowMs ?? 60_000,
    };
    this.store = options.store ?? new MemoryFailureStore({ maxKeys: options.maxClients ?? 100_000 });
    this.blocked = new ExpiringMap(options.maxClients ?? 100_000);
  }

  /** Throws the 429 when this client is blocked; otherwise returns. */
  check(client: string | null, nowMs: number): void {
    const refusal = this.refusal(clientKey(client), nowMs);
    if (refusal) throw refusal;
  }

  /** The 429 for a client this instance knows to be blocked, or null. */
  private refusal(key: string, nowMs: number): PlatformError | null {
    const block = this.blocked.get(key, nowMs);
    return block ? tooManyFailures(Math.ceil((block.resetAt - nowMs) / 1000)) : null;
  }

  /**
   * Counts the error when it is a failed verification (401) and returns what to answer: the
   * error itself, or the 429 once this failure has blocked the client.
   */
  async count(error: unknown, client: string | null, nowMs: number): Promise<unknown> {
    if (!(error instanceof PlatformError) || error.status !== 401) return error;
    const key = clientKey(client);
    // Known here to be blocked: refused without another write, so a flood of failures that need
    // no lookup (no header, a malformed token, an ID remembered as unknown) costs the store nothing.
    const refusal = this.refusal(key, nowMs);
    if (refusal) return refusal;
    let window;
    try {
      [window] = await this.store.fail([{ limit: this.limit, key }], nowMs);
    } catch (failure) {
      // The answer stays the 401 it was; the count is lost with the database.
      console.error(`[platform] counting a failed verification failed: ${failure instanceof Error ? failure.message : String(failure)}`);
      return error;
    }
    const wait = blockedFor(this.limit, window ?? null, nowMs);
    if (wait === 0) return error;
    this.blocked.set(key, { resetAt: window!.resetAt }, nowMs);
    return tooManyFailures(wait);
  }
}

function tooManyFailures(seconds: number): PlatformError {
  return new PlatformError(
    429,
    `Too many failed authentications from this client. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`,
    { 'Retry-After': String(seconds) },
  );
}
