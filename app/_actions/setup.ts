'use server';

import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { publicAction } from '@/app/_lib/action';
import { signInWithNewPassword } from '@/app/_lib/new-password-sign-in';
import { assertPasswordsOn } from '@/lib/auth/password-rules';
import { config } from '@/lib/config';
import { AppError } from '@/lib/errors';
import { clientIp } from '@/lib/http/client-ip';
import { attemptWithCode } from '@/lib/people/public-limits';
import { completeSetup, completeSetupForSso } from '@/lib/people/setup';
import { setupSchema, ssoSetupSchema } from '@/lib/validations/people';

const usersPage = (accountId: string) => `/accounts/${encodeURIComponent(accountId)}/iam/users`;

/** Sets the portal up with the code from the server log, then signs the new admin in. */
export const completeSetupAction = publicAction(setupSchema, async (input, { db }) => {
  assertPasswordsOn();
  const result = await attemptWithCode(clientIp(await headers()), () => completeSetup(db, input));
  return signInWithNewPassword(result.email, input.password, usersPage(result.accountId));
});

/** With single sign-on only: sets the portal up, then sends the new admin to sign in through the provider. */
export const completeSsoSetupAction = publicAction(ssoSetupSchema, async (input, { db }) => {
  if (config().passwordSignIn) throw new AppError('Passwords are turned on on this portal: choose a password for its admin.');
  const result = await attemptWithCode(clientIp(await headers()), () => completeSetupForSso(db, input));
  redirect(`/sign-in?notice=set-up&callbackUrl=${encodeURIComponent(usersPage(result.accountId))}`);
});
