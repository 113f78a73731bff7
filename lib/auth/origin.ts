import { isIP } from 'node:net';
import { config } from '@/lib/config';

/**
 * The portal's public origin as next-auth works it out: AUTH_URL (or NEXTAUTH_URL) when set,
 * otherwise the request's host and scheme (forwarding headers only reach the app when
 * TRUST_PROXY is set). Null when neither gives a valid origin.
 */
export function portalOrigin(headers: Pick<Headers, 'get'>, configured: string | null = config().publicUrl): string | null {
  const host = headers.get('x-forwarded-host') ?? headers.get('host');
  const protocol = headers.get('x-forwarded-proto') ?? 'http';
  const candidate = configured || (host ? `${protocol.replace(/:$/, '')}://${host}` : null);
  if (!candidate) return null;
  try {
    const origin = new URL(candidate).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

/** localhost, or an address of this machine's loopback interface. */
function isLoopback(hostname: string): boolean {
  const bare = hostname.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || (isIP(bare) === 4 && bare.startsWith('127.'));
}

/**
 * The origin of links the portal sends by email (invitations, password resets, notices about
 * tokens): AUTH_URL's; without it, the request's own only when the request was made to this
 * machine. Anyone can send a request naming another host, and a password-reset link pointing at
 * their site would hand them its code. Null when neither gives one.
 */
export function emailLinkOrigin(headers: Pick<Headers, 'get'>, configured: string | null = config().publicUrl): string | null {
  const origin = portalOrigin(headers, configured);
  if (!origin || configured) return origin;
  return isLoopback(new URL(origin).hostname) ? origin : null;
}
