import { serverActionOrigins } from './lib/http/allowed-origins.mjs';

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Lets parallel builds (tests, several checkouts) keep their output apart.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // PGlite loads its WebAssembly and data files from its own package folder at run time.
  serverExternalPackages: ['@electric-sql/pglite', 'pg'],
  poweredByHeader: false,
  reactStrictMode: true,
  // `npm test` typechecks the whole project as its own step; the build need not repeat it.
  typescript: { ignoreBuildErrors: true },
  experimental: {
    // A server action runs only when the Origin's host is the request's (Host or X-Forwarded-Host)
    // or one of these. Read from the environment each time the server starts, not at build time.
    serverActions: { allowedOrigins: serverActionOrigins(process.env) },
  },
  async headers() {
    const common = [
      { key: 'X-Content-Type-Options', value: 'nosniff' },
      { key: 'X-Frame-Options', value: 'DENY' },
      { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
      { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()' },
      { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
    ];
    // Pages get a nonce-based policy from proxy.ts; JSON endpoints need none of the web's powers.
    const apiPolicy = { key: 'Content-Security-Policy', value: "default-src 'none'; frame-ancestors 'none'" };
    return [
      { source: '/:path*', headers: common },
      { source: '/api/:path*', headers: [apiPolicy] },
      { source: '/e/:path*', headers: [apiPolicy] },
    ];
  },
};

export default nextConfig;
