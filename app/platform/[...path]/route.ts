import { platformRouteMethods } from '@/lib/platform/process';

// The platform API at /platform/...: an environment named by the host (<envId>.<PLATFORM_DOMAIN>)
// or, at the portal itself, the one environment of the token (lib/platform/addressing.mjs). The
// same handler as /e/{env}/platform/...; the HTTP server answers these itself once registered.
export const dynamic = 'force-dynamic';

export const { GET, POST, PUT, DELETE, PATCH } = platformRouteMethods;
