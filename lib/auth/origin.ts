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
