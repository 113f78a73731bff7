'use server';

import { headers } from 'next/headers';
import { publicAction } from '@/app/_lib/action';
import { signInWithNewPassword } from '@/app/_lib/new-password-sign-in';
import { clientIp } from '@/lib/http/client-ip';
import { attemptWithCode } from '@/lib/people/public-limits';
import { completeSetup } from '@/lib/people/setup';
import { setupSchema } from '@/lib/validations/people';

/** Sets the portal up with the code from the server log, then signs the new admin in. */
export const completeSetupAction = publicAction(setupSchema, async (input, { db }) => {
  const result = await attemptWithCode(clientIp(await headers()), () => completeSetup(db, input));
  return signInWithNewPassword(result.email, input.password, `/accounts/${encodeURIComponent(result.accountId)}/iam/users`);
});
