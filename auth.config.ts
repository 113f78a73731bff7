import type { NextAuthConfig } from 'next-auth';

/** The parts of the auth setup that need no database, shared by the proxy and the server. */
export const authConfig = {
  pages: { signIn: '/sign-in' },
  session: { strategy: 'jwt', maxAge: 12 * 60 * 60 },
  // Self-hosted behind any proxy: the host comes from the request (or AUTH_URL when set).
  trustHost: true,
  providers: [],
  callbacks: {
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
