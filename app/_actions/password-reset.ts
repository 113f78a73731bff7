'use server';

import { headers } from 'next/headers';
import { signIn } from '@/auth';
import { publicAction } from '@/app/_lib/action';
import { deliverLater, linkOrigin } from '@/app/_lib/portal-links';
import { deviceCookie, knownDevice } from '@/lib/auth/sign-in-device';
import { config } from '@/lib/config';
import { AppError, ValidationError } from '@/lib/errors';
import { clientIp } from '@/lib/http/client-ip';
import { requestPasswordReset, RESET_ANSWER_FLOOR_MS, RESET_REQUESTED_MESSAGE, resetPassword, withAnswerFloor } from '@/lib/people/password-reset';
import { codeAttemptsRetryAfter, recordFailedCode, tooManyAttemptsMessage } from '@/lib/people/public-limits';
import { requestPasswordResetSchema, resetPasswordSchema } from '@/lib/validations/people';

const PASSWORDS_OFF = 'Passwords are turned off on this portal: sign in with single sign-on.';

/** Emails a one-time link; the answer is the same, and as quick, whether or not the email is known. */
export const requestPasswordResetAction = publicAction(requestPasswordResetSchema, async (input, { db }) => {
  if (!config().passwordSignIn) throw new AppError(PASSWORDS_OFF);
  const request = await headers();
  const requester = { ip: clientIp(request), device: knownDevice(deviceCookie(request), input.email) };
  const origin = await linkOrigin();
  const delivery = await withAnswerFloor(RESET_ANSWER_FLOOR_MS, () => requestPasswordReset(db, input, origin, requester));
  deliverLater(delivery);
  return { message: RESET_REQUESTED_MESSAGE };
});

/** Sets the new password from the link, then signs the person in (all their other sessions ended). */
export const resetPasswordAction = publicAction(resetPasswordSchema, async (input, { db }) => {
  if (!config().passwordSignIn) throw new AppError(PASSWORDS_OFF);
  const ip = clientIp(await headers());
  const wait = await codeAttemptsRetryAfter(ip);
  if (wait > 0) throw ValidationError.field('code', tooManyAttemptsMessage(wait));
  const { email } = await resetPassword(db, input).catch(async (error: unknown) => {
    if (error instanceof ValidationError && error.fieldErrors.code) await recordFailedCode(ip);
    throw error;
  });
  await signIn('credentials', { email, password: input.password, redirectTo: '/platform-tokens' });
  return { email };
});
