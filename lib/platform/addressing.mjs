// @ts-check
// Where a platform API request names its environment (PRODUCT.md §13), in one place for the HTTP
// server's fast path (scripts/platform-api.mjs), which only asks whether a request is the
// platform's, and the handler (handler.ts), which reads the environment from it:
// - path: /e/<envId>/platform/...
// - host: <envId>.<PLATFORM_DOMAIN> with /platform/... (wildcard DNS; what the SDK's
//   PlatformHttpClient({ baseUrl }) builds on, as it resolves /platform/... against the host)
// - root: /platform/... on any other host, for a token that reaches exactly one environment.
// Plain JavaScript because scripts/server.mjs loads it before any TypeScript is compiled;
// PLATFORM_DOMAIN itself is read and checked by lib/config.ts.

const PATH_FORM = /^\/e\/([^/?#]+)\/platform(\/[^?#]*)/;
const ROOT_FORM = /^\/platform(\/[^?#]*)/;

/**
 * Whether the request target (path and query) is one the platform API answers, in any form.
 * @param {string} target
 */
export function isPlatformTarget(target) {
  return PATH_FORM.test(target) || ROOT_FORM.test(target);
}

/**
 * @typedef {{ environmentId: string, path: string, form: 'path' | 'host' } | { environmentId: null, path: string, form: 'root' }} PlatformAddress
 */

/**
 * The environment a request names and its path under /platform, or null when it is not a
 * platform API request. `environmentId` is still URL-encoded in the path form; it is null in the
 * root form, where the token's one environment is meant.
 * @param {string} pathname
 * @param {string | null} host the Host header
 * @param {string | null} domain PLATFORM_DOMAIN
 * @returns {PlatformAddress | null}
 */
export function platformAddress(pathname, host, domain) {
  const byPath = PATH_FORM.exec(pathname);
  if (byPath) return { environmentId: byPath[1] ?? '', path: byPath[2] ?? '', form: 'path' };
  const root = ROOT_FORM.exec(pathname);
  if (!root) return null;
  const path = root[1] ?? '';
  const name = (host ?? '').toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  if (domain && name.endsWith(`.${domain}`)) {
    const label = name.slice(0, -domain.length - 1);
    // One label only: a name deeper than <envId>.<domain> is no environment's.
    if (label !== '' && !label.includes('.')) return { environmentId: label, path, form: 'host' };
  }
  return { environmentId: null, path, form: 'root' };
}
