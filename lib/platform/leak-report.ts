import { z } from 'zod';
import type { Db } from '@/lib/db';
import { clientKey } from '@/lib/http/client-ip';
import type { Delivery } from '@/lib/people/portal-email';
import type { FailureLimit, FailureStore } from '@/lib/rate-limit';
import { reportLeakedCredentials } from '@/lib/tokens/leaked';
import { answerResponse, errorResponse, jsonResponse, PlatformError, platformErrorAnswer } from './errors';
import { httpInput } from './input';

// POST /api/v1/credentials/revoke (PRODUCT.md §11): no authentication, since holding a secret
// proves enough. Every request counts against its client's limit, whatever it held, and the
// answer is the same 202 whatever was valid.

export const LEAK_REPORT_MAX_CREDENTIALS = 100;
const LEAK_REPORT_MAX_BYTES = 64 * 1024;
/** Reports per client (an IPv4 address or IPv6 /64) per window, counted for the whole cluster. */
export const LEAK_REPORT_LIMIT: FailureLimit = { scope: 'leak-report', limit: 10, windowMs: 60_000 };

export const ACCEPTED_BODY = {
  status: 'accepted',
  message: 'Every valid token listed is disabled, and its owner and creator are told.',
} as const;

const reportSchema = z.object({
  credentials: z
    .array(z.string({ error: "Invalid request body field 'credentials': each item must be a string" }).max(200, {
      error: "Invalid request body field 'credentials': an item is longer than a token (200 characters at most)",
    }), { error: "Invalid request body field 'credentials': expected an array of tokens" })
    .min(1, { error: "Invalid request body field 'credentials': list at least one token" })
    .max(LEAK_REPORT_MAX_CREDENTIALS, {
      error: `Invalid request body field 'credentials': at most ${LEAK_REPORT_MAX_CREDENTIALS} tokens per request`,
    }),
});

export interface LeakReportOptions {
  getDb: () => Promise<Db>;
  store: FailureStore;
  clientIp: (request: Request) => string | null;
  /** The portal's public origin for the links in the emails. */
  origin: (request: Request) => string;
  /** Runs the email deliveries after the answer has gone out. */
  deliverLater: (delivery: Delivery) => void;
  now?: () => number;
}

export function createLeakReportHandler(options: LeakReportOptions): (request: Request) => Promise<Response> {
  const now = options.now ?? Date.now;
  async function handle(request: Request): Promise<Response> {
    const at = now();
    const [window] = await options.store.fail([{ limit: LEAK_REPORT_LIMIT, key: clientKey(options.clientIp(request)) }], at);
    if (window && window.count > LEAK_REPORT_LIMIT.limit) {
      const seconds = Math.max(1, Math.ceil((window.resetAt - at) / 1000));
      throw new PlatformError(429, `Too many reports from this client. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`, {
        'Retry-After': String(seconds),
      });
    }
    const raw = await httpInput({}, new URL(request.url), request).body(LEAK_REPORT_MAX_BYTES);
    const parsed = reportSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const message = issue?.path[0] === 'credentials' ? issue.message : "Invalid request body field 'credentials': expected an array of tokens";
      throw new PlatformError(400, message);
    }
    const result = await reportLeakedCredentials(options.getDb, parsed.data.credentials, options.origin(request));
    for (const delivery of result.deliveries) options.deliverLater(delivery);
    return jsonResponse(ACCEPTED_BODY, 202);
  }
  return async (request) => {
    try {
      return await handle(request);
    } catch (error) {
      if (error instanceof PlatformError) return answerResponse(platformErrorAnswer(error));
      console.error(`[leak-report] failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      return errorResponse(500, 'Internal error. The report was not completed; try again later.');
    }
  };
}
