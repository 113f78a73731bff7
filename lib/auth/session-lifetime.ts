/**
 * How long a session lasts without being used. Each use (noted at most once a minute) extends it,
 * on the server (lib/auth/sessions.ts) as in the cookie (next-auth's `session.maxAge`).
 */
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;
