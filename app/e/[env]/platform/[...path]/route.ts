import { platformRouteMethods } from '@/lib/platform/process';

// Every platform endpoint, routed, verified and validated by lib/platform; services live in
// lib/platform/services. The HTTP server (scripts/server.mjs, in development and production)
// answers these paths itself once the app has registered its handler; this route answers the
// requests that arrive before that, with the same handler.
export const dynamic = 'force-dynamic';

export const { GET, POST, PUT, DELETE, PATCH } = platformRouteMethods;
