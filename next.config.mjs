import { serverActionOrigins } from './lib/http/allowed-origins.mjs';
import { API_POLICY, COMMON_HEADERS } from './lib/http/security-headers.mjs';

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Lets parallel builds (tests, several checkouts) keep their output apart.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // PGlite loads its WebAssembly and data files from its own package folder at run time.
  serverExternalPackages: ['@electric-sql/pglite', 'pg'],
  poweredByHeader: false,
  reactStrictMode: true,
  // A type error fails the production build, as it fails `npm test`.
  typescript: { ignoreBuildErrors: false },
  experimental: {
    // A server action runs only when the Origin's host is the request's (Host or X-Forwarded-Host)
    // or one of these. Read from the environment each time the server starts, not at build time.
    serverActions: { allowedOrigins: serverActionOrigins(process.env) },
  },
  async headers() {
    return [
      { source: '/:path*', headers: [...COMMON_HEADERS] },
      { source: '/api/:path*', headers: [API_POLICY] },
      // Served by scripts/server.mjs itself in production, which sets the same headers.
      { source: '/e/:path*', headers: [API_POLICY] },
    ];
  },
};

export default nextConfig;
