import { isIP } from 'node:net';

/**
 * The client's address from `x-forwarded-for`. The server (scripts/server.mjs) drops any such
 * header a client sent unless TRUST_PROXY is set, so Next.js fills it with the socket address;
 * behind a trusted proxy the last entry is the address that proxy saw.
 */
export function clientIp(headers: Headers): string | null {
  const forwarded = headers.get('x-forwarded-for');
  if (!forwarded) return null;
  const last = forwarded.split(',').pop()?.trim() ?? '';
  const address = last.startsWith('::ffff:') && isIP(last.slice(7)) === 4 ? last.slice(7) : last;
  return isIP(address) ? address : null;
}
