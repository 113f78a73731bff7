import { deliverLater } from '@/app/_lib/portal-links';
import { emailLinkOrigin } from '@/lib/auth/origin';
import { getDb } from '@/lib/db';
import { failureStore } from '@/lib/failure-counts';
import { clientIp } from '@/lib/http/client-ip';
import { createLeakReportHandler } from '@/lib/platform/leak-report';
import { processSingleton } from '@/lib/singleton';

export const dynamic = 'force-dynamic';

const handler = () =>
  processSingleton('leak-report', () =>
    createLeakReportHandler({
      getDb,
      // Shared by every instance on PostgreSQL, so the limit holds for the cluster.
      store: failureStore(),
      clientIp: (request) => clientIp(request.headers),
      // Without a known public address the notices name the token's page by its path alone.
      origin: (request) => emailLinkOrigin(request.headers) ?? '',
      deliverLater,
    }),
  );

/** Leaked credentials (PRODUCT.md §11): disables every valid token listed; 202 whatever was valid. */
export function POST(request: Request): Promise<Response> {
  return handler()(request);
}
