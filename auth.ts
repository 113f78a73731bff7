import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { authConfig } from '@/auth.config';
import { authSecret } from '@/lib/auth/secret';
import { recordFailedSignIn, signInRetryAfter } from '@/lib/auth/sign-in-limits';
import { authenticate } from '@/lib/auth/users';
import { clientIp } from '@/lib/http/client-ip';
import { signInSchema } from '@/lib/validations/auth';

/** Raised when the client or the email has failed too often; `code` carries the seconds to wait. */
export class SignInRateLimited extends CredentialsSignin {
  constructor(seconds: number) {
    super();
    this.code = `rate_limited:${seconds}`;
  }
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  ...authConfig,
  secret: authSecret(),
  providers: [
    Credentials({
      credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
      async authorize(credentials, request) {
        const ip = clientIp(request.headers);
        const parsed = signInSchema.safeParse(credentials);
        const email = parsed.success ? parsed.data.email : String(credentials?.email ?? '');
        const wait = signInRetryAfter(ip, email);
        if (wait > 0) throw new SignInRateLimited(wait);
        const user = parsed.success ? await authenticate(parsed.data.email, parsed.data.password) : null;
        if (!user) {
          recordFailedSignIn(ip, email);
          throw new CredentialsSignin();
        }
        return { id: user.id, email: user.email, name: user.name };
      },
    }),
  ],
}));
