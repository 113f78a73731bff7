import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import type { Provider } from 'next-auth/providers';
import { authConfig } from '@/auth.config';
import { authSecret } from '@/lib/auth/secret';
import { cookies, headers } from 'next/headers';
import { DEVICE_COOKIE, DEVICE_COOKIE_MAX_AGE_SECONDS, deviceCookie, rememberDevice } from '@/lib/auth/sign-in-device';
import { createSession, revokeSession } from '@/lib/auth/sessions';
import { signInAttempt, signInLimits } from '@/lib/auth/sign-in-limits';
import { OIDC_PROVIDER_ID, resolveSsoSignIn } from '@/lib/auth/sso';
import { authenticate } from '@/lib/auth/users';
import { config } from '@/lib/config';
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

/** The seconds to wait that a refused sign-in carries (SignInRateLimited, as next-auth hands it to `signIn`'s caller); 0 for any other error. */
export function signInWaitOf(error: unknown): number {
  const match = error instanceof CredentialsSignin ? /^rate_limited:(\d+)$/.exec(error.code) : null;
  return match ? Number(match[1]) : 0;
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  ...authConfig,
  secret: authSecret(),
  callbacks: {
    ...authConfig.callbacks,
    async signIn({ user, account, profile }) {
      if (account?.provider !== OIDC_PROVIDER_ID) return true;
      const resolved = await resolveSsoSignIn(await getDb(), profile ?? {});
      if ('refused' in resolved) return `/sign-in?error=${resolved.refused}`;
      // Without an adapter next-auth hands this same object to the jwt callback, which starts
      // the session for our user rather than for the provider's subject.
      user.id = resolved.userId;
      user.email = resolved.email;
      return true;
    },
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
  providers: [...passwordProvider(), ...ssoProvider()],
}));

/** Password sign-in, unless PASSWORD_SIGN_IN=false. */
function passwordProvider() {
  if (!config().passwordSignIn) return [];
  return [
    Credentials({
      credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
      async authorize(credentials, request) {
        const parsed = signInSchema.safeParse(credentials);
        const email = parsed.success ? parsed.data.email : String(credentials?.email ?? '');
        const attempt = await signInAttempt(await getDb(), request.headers, email);
        // Counted as a failure before the password hash is checked, so that attempts made at once
        // cannot all find the counts below the limits; a right password takes its count back.
        const reservation = await signInLimits.reserve(attempt);
        if (reservation.wait > 0) throw new SignInRateLimited(reservation.wait);
        const user = parsed.success ? await authenticate(parsed.data.email, parsed.data.password) : null;
        if (!user) throw new CredentialsSignin();
        await reservation.release();
        // From now on this browser is counted on its own for this email, until its password
        // changes (see the sign-in limits).
        (await cookies()).set(DEVICE_COOKIE, rememberDevice(deviceCookie(request.headers), user.email, user.passwordHash), {
          httpOnly: true,
          sameSite: 'lax',
          secure: new URL(request.url).protocol === 'https:',
          path: '/',
          maxAge: DEVICE_COOKIE_MAX_AGE_SECONDS,
        });
        return { id: user.id, email: user.email, name: user.name };
      },
    }),
  ];
}

/** OpenID Connect, when OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are set. */
function ssoProvider(): Provider[] {
  const oidc = config().oidc;
  if (!oidc) return [];
  return [
    {
      id: OIDC_PROVIDER_ID,
      name: oidc.name,
      type: 'oidc',
      issuer: oidc.issuer,
      clientId: oidc.clientId,
      clientSecret: oidc.clientSecret,
      authorization: { params: { scope: 'openid email profile' } },
      // Authorization code flow with PKCE, and state and nonce checked on the way back.
      checks: ['pkce', 'state', 'nonce'],
      // The email and whether it is verified come from the userinfo endpoint, where every
      // provider puts them (an ID token of the code flow need not carry them).
      idToken: false,
    },
  ];
}
