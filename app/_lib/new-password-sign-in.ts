import 'server-only';
import { redirect, unstable_rethrow } from 'next/navigation';
import { signIn, signInWaitOf } from '@/auth';

// After a password is set by a one-time code (setting the portal up, accepting an invitation,
// resetting it), the person is signed in with it. That sign-in can still be refused, say when
// someone else's failed sign-ins have reached the email's limit, or fail, but the password is set
// and the code used by then: the person is sent to the sign-in page, which says so, never told
// that nothing changed.

/** What the sign-in page may say, by the `notice` of its URL: fixed texts, never one from the URL. */
export const SIGN_IN_NOTICES = {
  'password-set': 'Your password is set. Sign in with it.',
  'password-set-later': 'Your password is set. There were too many failed sign-ins on this email just now: sign in with it in a few minutes.',
  // Set up with single sign-on only (app/_actions/setup.ts): there is no password to sign in with.
  'set-up': 'The portal is set up. Sign in with single sign-on, as the email you gave for its admin.',
} as const;

/** The sign-in page's text for its `notice` parameter, or null. */
export function signInNotice(value: string | undefined): string | null {
  return value !== undefined && Object.hasOwn(SIGN_IN_NOTICES, value) ? SIGN_IN_NOTICES[value as keyof typeof SIGN_IN_NOTICES] : null;
}

/** Signs in with the password just set and goes on to `to`; when the sign-in does not succeed, to the sign-in page. */
export async function signInWithNewPassword(email: string, password: string, to: string): Promise<never> {
  let notice: keyof typeof SIGN_IN_NOTICES = 'password-set';
  try {
    await signIn('credentials', { email, password, redirectTo: to });
  } catch (error) {
    // The redirect after a successful sign-in travels as an error.
    unstable_rethrow(error);
    if (signInWaitOf(error) > 0) notice = 'password-set-later';
    else console.error('[auth] signing in with a newly set password failed:', error instanceof Error ? error.name : 'unknown error');
  }
  redirect(`/sign-in?notice=${notice}&callbackUrl=${encodeURIComponent(to)}`);
}
