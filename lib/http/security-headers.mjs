// Response headers every answer carries, and the policy of the JSON endpoints. Plain JavaScript
// because next.config.mjs and the HTTP server (scripts/server.mjs, which answers the platform API
// itself) both load it before anything is compiled.

/** @type {ReadonlyArray<{ key: string; value: string }>} */
export const COMMON_HEADERS = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
];

/** JSON endpoints need none of the web's powers; pages get a nonce-based policy from proxy.ts. */
export const API_POLICY = { key: 'Content-Security-Policy', value: "default-src 'none'; frame-ancestors 'none'" };
