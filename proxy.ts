import { NextResponse, type NextRequest } from 'next/server';
import { config as appConfig } from '@/lib/config';

function contentSecurityPolicy(nonce: string): string {
  const dev = process.env.NODE_ENV !== 'production';
  return [
    `default-src 'self'`,
    // React's development build evaluates code; production never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? ` 'unsafe-eval'` : ''}`,
    // Radix positions popovers with inline style attributes.
    `style-src 'self' 'unsafe-inline'`,
    `img-src 'self' data:`,
    `font-src 'self'`,
    `connect-src 'self'`,
    `object-src 'none'`,
    `base-uri 'self'`,
    `form-action 'self'`,
    `frame-ancestors 'none'`,
  ].join('; ');
}

function isHttps(request: NextRequest): boolean {
  if (request.nextUrl.protocol === 'https:') return true;
  return appConfig().trustProxy && request.headers.get('x-forwarded-proto') === 'https';
}

/**
 * Sets the page's Content-Security-Policy with a fresh nonce (Next.js puts it on its own scripts)
 * and tells server components which page was asked for, so a signed-out visit can come back to it
 * after sign-in. Access control is not done here: every page, action and route checks it.
 */
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
  const csp = contentSecurityPolicy(nonce);
  const headers = new Headers(request.headers);
  headers.set('x-return-to', request.nextUrl.pathname + request.nextUrl.search);
  headers.set('x-nonce', nonce);
  headers.set('content-security-policy', csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('Content-Security-Policy', csp);
  if (isHttps(request)) response.headers.set('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
  return response;
}

// Prefetches are not skipped: a prefetched page is still a page, and the x-return-to header must
// be the proxy's own, never one a client sent.
export const config = {
  matcher: ['/((?!api/|e/|iam/v1/|platform/|_next/static|_next/image|favicon.ico).*)'],
};
