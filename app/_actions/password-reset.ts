'use server';

import { headers } from 'next/headers';
import { publicAction } from '@/app/_lib/action';
import { deliverLater, linkOrigin } from '@/app/_lib/portal-links';
import { signInWithNewPassword } from '@/app/_lib/new-password-sign-in';
import { assertPasswordsOn } from '@/lib/auth/password-rules';
import { requestDevice } from '@/lib/auth/sign-in-device';
import { clientIp } from '@/lib/http/client-ip';
import { requestPasswordReset, RESET_ANSWER_FLOOR_MS, RESET_REQUESTED_MESSAGE, resetPassword, withAnswerFloor } from '@/lib/people/password-reset';
import { attemptWithCode } from '@/lib/people/public-limits';
import { requestPasswordResetSchema, resetPasswordSchema } from '@/lib/validations/people';

/** Emails a one-time link; the answer is the same, and as quick, whether or not the email is known. */
export const requestPasswordResetAction = publicAction(requestPasswordResetSchema, async (input, { db }) => {
  assertPasswordsOn();
  const request = await headers();
  const origin = await linkOrigin();
  const delivery = await withAnswerFloor(RESET_ANSWER_FLOOR_MS, async () => {
    const requester = { ip: clientIp(request), device: await requestDevice(db, request, input.email) };
    return requestPasswordReset(db, input, origin, requester);
  });
  deliverLater(delivery);
  return { message: RESET_REQUESTED_MESSAGE };
});

/** Sets the new password from the link, then signs the person in (all their other sessions ended). */
export const resetPasswordAction = publicAction(resetPasswordSchema, async (input, { db }) => {
  assertPasswordsOn();
  const { email } = await attemptWithCode(clientIp(await headers()), () => resetPassword(db, input));
  return signInWithNewPassword(email, input.password, '/platform-tokens');
});
