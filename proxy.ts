import { NextResponse, type NextRequest } from 'next/server';

/**
 * Tells server components which page was asked for, so a signed-out visit can come back to it
 * after sign-in. Access control is not done here: every page, action and route checks it.
 */
export function proxy(request: NextRequest) {
  const headers = new Headers(request.headers);
  headers.set('x-return-to', request.nextUrl.pathname + request.nextUrl.search);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  matcher: ['/((?!api/|e/|_next/|favicon.ico).*)'],
};
