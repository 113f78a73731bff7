import type { NextRequest } from 'next/server';
import { handlers } from '@/auth';
import { signInAttempt, signInRetryAfter, tooManySignInsMessage } from '@/lib/auth/sign-in-limits';
import { getDb } from '@/lib/db';

export const { GET } = handlers;

/** A client that failed too often gets a 429 before its credentials are even looked at. */
export async function POST(request: NextRequest) {
  if (request.nextUrl.pathname.endsWith('/callback/credentials')) {
    const form = await request
      .clone()
      .formData()
      .catch(() => null);
    const email = form?.get('email');
    const wait = await signInRetryAfter(await signInAttempt(await getDb(), request.headers, typeof email === 'string' ? email : undefined));
    if (wait > 0) {
      return Response.json(
        { error: { code: 429, message: tooManySignInsMessage(wait) } },
        { status: 429, headers: { 'Retry-After': String(wait), 'Cache-Control': 'no-store' } },
      );
    }
  }
  return handlers.POST(request);
}
