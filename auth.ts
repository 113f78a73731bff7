import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { authConfig } from '@/auth.config';
import { authSecret } from '@/lib/auth/secret';
import { cookies, headers } from 'next/headers';
import { DEVICE_COOKIE, DEVICE_COOKIE_MAX_AGE_SECONDS, deviceCookie, rememberDevice } from '@/lib/auth/sign-in-device';
import { createSession, revokeSession } from '@/lib/auth/sessions';
import { recordFailedSignIn, signInAttempt, signInRetryAfter } from '@/lib/auth/sign-in-limits';
import { authenticate } from '@/lib/auth/users';
import { getDb } from '@/lib/db';
import { clientIp } from '@/lib/http/client-ip';
import { signInSchema } from '@/lib/validations/auth';

/** Raised when this client has failed too often; `code` carries the seconds to wait. */
export class SignInRateLimited extends CredentialsSignin {
  constructor(seconds: number) {
    super();
    this.code = `rate_limited:${seconds}`;
  }
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  ...authConfig,
  secret: authSecret(),
  callbacks: {
    ...authConfig.callbacks,
    async jwt({ token, user, trigger }) {
      if (trigger === 'signIn' && user?.id) {
        const request = await headers();
        const sid = await createSession(await getDb(), {
          userId: user.id,
          userAgent: request.get('user-agent'),
          ip: clientIp(request),
        });
        return { sid };
      }
      // A cookie without a session (one from before sessions were kept) signs nobody in.
      return typeof token.sid === 'string' ? token : null;
    },
  },
  events: {
    // However next-auth signs someone out (the sign-out action, or POST /api/auth/signout).
    async signOut(message) {
      const sid = 'token' in message ? message.token?.sid : undefined;
      if (typeof sid === 'string') await revokeSession(await getDb(), sid);
    },
  },
  providers: [
    Credentials({
      credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
      async authorize(credentials, request) {
        const parsed = signInSchema.safeParse(credentials);
        const email = parsed.success ? parsed.data.email : String(credentials?.email ?? '');
        const attempt = signInAttempt(request.headers, email);
        const wait = await signInRetryAfter(attempt);
        if (wait > 0) throw new SignInRateLimited(wait);
        const user = parsed.success ? await authenticate(parsed.data.email, parsed.data.password) : null;
        if (!user) {
          await recordFailedSignIn(attempt);
          throw new CredentialsSignin();
        }
        // From now on this browser is counted on its own for this email (see the sign-in limits).
        (await cookies()).set(DEVICE_COOKIE, rememberDevice(deviceCookie(request.headers), user.email), {
          httpOnly: true,
          sameSite: 'lax',
          secure: new URL(request.url).protocol === 'https:',
          path: '/',
          maxAge: DEVICE_COOKIE_MAX_AGE_SECONDS,
        });
        return { id: user.id, email: user.email, name: user.name };
      },
    }),
  ],
}));
