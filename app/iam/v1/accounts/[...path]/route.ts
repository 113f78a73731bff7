import { platformRouteMethods } from '@/lib/platform/process';

// The account management API (PRODUCT.md §12), routed, verified and validated by lib/platform like
// the platform API; its endpoints live in lib/platform/services/account-*.ts. The HTTP server
// answers these paths itself once the app has registered its handler; this route answers the
// requests that arrive before that, with the same handler.
export const dynamic = 'force-dynamic';

export const { GET, POST, PUT, DELETE, PATCH } = platformRouteMethods;
