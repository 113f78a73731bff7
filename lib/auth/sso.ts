import { and, eq } from 'drizzle-orm';
import type { Db } from '@/lib/db';
import { users } from '@/lib/db/schema';
import { acceptInvitationsThroughSso } from '@/lib/people/invitations';
import { emailField } from '@/lib/validations/people';
import { revokeUserSessions } from './sessions';

// Single sign-on with OpenID Connect (PRODUCT.md §9): a person is matched by an email the
// provider has verified; an email the portal does not know is refused unless it has a pending
// invitation, which signing in accepts.

/** next-auth's provider ID; also the last segment of the callback path /api/auth/callback/oidc. */
export const OIDC_PROVIDER_ID = 'oidc';

export type SsoRefusal = 'sso_unverified' | 'sso_unknown';

export const SSO_MESSAGES: Record<SsoRefusal | 'sso_failed', string> = {
  sso_unverified: 'Your identity provider has not verified your email address, so it cannot sign you in here.',
  sso_unknown: 'Nobody with your email can sign in here. Ask an admin of your account to invite you.',
  sso_failed: 'Signing in with single sign-on did not work. Try again.',
};

/** The claims single sign-on looks at (from the provider's userinfo). */
export interface SsoClaims {
  email?: unknown;
  email_verified?: unknown;
  name?: unknown;
}

/**
 * The first sign-in through single sign-on of a person whose password was chosen with an
 * invitation link: that link was shown to the admin who invited them too, so the password, and
 * every session made with it, may not be theirs. Both end; the provider has now proven the email.
 */
async function endUnprovenPassword(db: Db, userId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [ended] = await tx
      .update(users)
      .set({ passwordHash: null, passwordUnproven: false })
      .where(and(eq(users.id, userId), eq(users.passwordUnproven, true)))
      .returning({ id: users.id });
    if (ended) await revokeUserSessions(tx, userId);
  });
}

/** Whom the provider's claims sign in: a known person, or one whose invitation they accept now. */
export async function resolveSsoSignIn(db: Db, claims: SsoClaims): Promise<{ userId: string; email: string } | { refused: SsoRefusal }> {
  // Some providers send the claim as the string "true".
  if (claims.email_verified !== true && claims.email_verified !== 'true') return { refused: 'sso_unverified' };
  const parsed = emailField.safeParse(claims.email);
  if (!parsed.success) return { refused: 'sso_unverified' };
  const email = parsed.data;
  const [known] = await db.select({ id: users.id, passwordUnproven: users.passwordUnproven }).from(users).where(eq(users.email, email));
  if (known) {
    if (known.passwordUnproven) await endUnprovenPassword(db, known.id);
    return { userId: known.id, email };
  }
  const name = typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim().slice(0, 200) : email.split('@')[0]!;
  const joined = await acceptInvitationsThroughSso(db, { email, name });
  return joined ? { userId: joined.userId, email } : { refused: 'sso_unknown' };
}
