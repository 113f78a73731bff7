import type { NextAuthConfig } from 'next-auth';
import { SESSION_MAX_AGE_SECONDS } from '@/lib/auth/session-lifetime';
import { safeCallbackPath } from '@/lib/validations/auth';

declare module 'next-auth' {
  interface Session {
    /** The server-side session this cookie belongs to (lib/auth/sessions.ts). */
    sessionId?: string;
  }
}

declare module '@auth/core/jwt' {
  interface JWT {
    /** The session's ID: all the cookie carries besides next-auth's own claims. */
    sid?: string;
  }
}

/**
 * The parts of the auth setup that need no database. The cookie is a JWT that carries only the
 * ID of a session row; whether that session still exists is checked on every request
 * (app/_lib/session.ts), so signing out, revoking and password changes take effect at once.
 * Credentials sign-in needs next-auth's JWT strategy: its database strategy refuses them.
 */
export const authConfig = {
  pages: { signIn: '/sign-in' },
  session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_SECONDS },
  // Self-hosted behind any proxy: the host comes from the request (or AUTH_URL when set).
  trustHost: true,
  providers: [],
  callbacks: {
    // Every place next-auth sends the browser after signing in or out: a path of this portal only.
    redirect({ url, baseUrl }) {
      return `${baseUrl}${safeCallbackPath(url, baseUrl)}`;
    },
    session({ session, token }) {
      return { expires: session.expires, sessionId: token.sid };
    },
  },
} satisfies NextAuthConfig;
