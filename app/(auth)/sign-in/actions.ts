'use server';

import { headers } from 'next/headers';
import { AuthError, CredentialsSignin } from 'next-auth';
import { signIn, signInWaitOf } from '@/auth';
import { tooManySignInsMessage } from '@/lib/auth/sign-in-limits';
import { portalOrigin } from '@/lib/auth/origin';
import { PASSWORDS_OFF_MESSAGE } from '@/lib/auth/password-rules';
import { config } from '@/lib/config';
import { safeCallbackPath, signInSchema } from '@/lib/validations/auth';
import { toFieldErrors, type ActionResult } from '@/lib/validations/result';

const INVALID = 'Invalid email or password';

/** Signs in and redirects; a wrong pair gets the same message whether or not the email exists. */
export async function signInAction(input: unknown, callbackUrl: unknown): Promise<ActionResult<never>> {
  if (!config().passwordSignIn) return { ok: false, message: PASSWORDS_OFF_MESSAGE, fieldErrors: {} };
  const parsed = signInSchema.safeParse(input);
  if (!parsed.success) {
    const fieldErrors = toFieldErrors(parsed.error);
    return { ok: false, message: Object.values(fieldErrors)[0] ?? INVALID, fieldErrors };
  }
  // The sign-in limits are checked where the password is: in the provider's authorize().
  try {
    await signIn('credentials', { ...parsed.data, redirectTo: safeCallbackPath(callbackUrl, portalOrigin(await headers())) });
  } catch (error) {
    const limited = signInWaitOf(error);
    if (limited > 0) return { ok: false, message: tooManySignInsMessage(limited), fieldErrors: {} };
    if (error instanceof CredentialsSignin) return { ok: false, message: INVALID, fieldErrors: {} };
    if (error instanceof AuthError) {
      // Not a wrong password: the database or the configuration failed. Say so, without details.
      console.error('[auth] sign-in failed:', error.type);
      return { ok: false, message: 'Signing in is not possible right now. Try again in a moment.', fieldErrors: {} };
    }
    throw error; // the redirect after success travels as an error
  }
  return { ok: false, message: INVALID, fieldErrors: {} };
}
