'use server';

import { AuthError } from 'next-auth';
import { signIn } from '@/auth';
import { safeCallbackPath, signInSchema } from '@/lib/validations/auth';
import { toFieldErrors, type ActionResult } from '@/lib/validations/result';

const INVALID = 'Invalid email or password';

/** Signs in and redirects; a wrong pair gets the same message whether or not the email exists. */
export async function signInAction(input: unknown, callbackUrl: unknown): Promise<ActionResult<never>> {
  const parsed = signInSchema.safeParse(input);
  if (!parsed.success) {
    const fieldErrors = toFieldErrors(parsed.error);
    return { ok: false, message: Object.values(fieldErrors)[0] ?? INVALID, fieldErrors };
  }
  try {
    await signIn('credentials', { ...parsed.data, redirectTo: safeCallbackPath(callbackUrl) });
  } catch (error) {
    if (error instanceof AuthError) return { ok: false, message: INVALID, fieldErrors: {} };
    throw error; // the redirect after success travels as an error
  }
  return { ok: false, message: INVALID, fieldErrors: {} };
}
