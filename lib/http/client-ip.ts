import { isIP } from 'node:net';

/**
 * The client's address from `x-forwarded-for`. The server (scripts/server.mjs) drops any such
 * header a client sent unless TRUST_PROXY is set, so Next.js fills it with the socket address;
 * behind a trusted proxy the last entry is the address that proxy saw.
 */
export function clientIp(headers: { get(name: string): string | null }): string | null {
  const forwarded = headers.get('x-forwarded-for');
  if (!forwarded) return null;
  const last = forwarded.split(',').pop()?.trim() ?? '';
  const address = last.startsWith('::ffff:') && isIP(last.slice(7)) === 4 ? last.slice(7) : last;
  return isIP(address) ? address : null;
}

/**
 * What rate limits count as one client: an IPv4 address, or an IPv6 /64 network (one host
 * commonly holds a whole /64, so counting single IPv6 addresses would let it pick a fresh one for
 * every attempt).
 */
export function clientKey(client: string | null): string {
  if (client === null) return 'unknown';
  if (!client.includes(':')) return client;
  const [head = '', tail] = client.toLowerCase().split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
