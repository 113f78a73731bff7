import type { NextAuthConfig } from 'next-auth';
import { safeCallbackPath } from '@/lib/validations/auth';

/** The parts of the auth setup that need no database, shared by the proxy and the server. */
export const authConfig = {
  pages: { signIn: '/sign-in' },
  session: { strategy: 'jwt', maxAge: 12 * 60 * 60 },
  // Self-hosted behind any proxy: the host comes from the request (or AUTH_URL when set).
  trustHost: true,
  providers: [],
  callbacks: {
    // Every place next-auth sends the browser after signing in or out: a path of this portal only.
    redirect({ url, baseUrl }) {
      return `${baseUrl}${safeCallbackPath(url, baseUrl)}`;
    },
    jwt({ token, user }) {
      if (user?.id) token.sub = user.id;
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      return session;
    },
  },
} satisfies NextAuthConfig;
