'use server';

import { headers } from 'next/headers';
import { signIn } from '@/auth';
import { publicAction } from '@/app/_lib/action';
import { ValidationError } from '@/lib/errors';
import { clientIp } from '@/lib/http/client-ip';
import { codeAttemptsRetryAfter, recordFailedCode, tooManyAttemptsMessage } from '@/lib/people/public-limits';
import { completeSetup } from '@/lib/people/setup';
import { setupSchema } from '@/lib/validations/people';

/** Sets the portal up with the code from the server log, then signs the new admin in. */
export const completeSetupAction = publicAction(setupSchema, async (input, { db }) => {
  const ip = clientIp(await headers());
  const wait = await codeAttemptsRetryAfter(ip);
  if (wait > 0) throw ValidationError.field('code', tooManyAttemptsMessage(wait));
  const result = await completeSetup(db, input).catch(async (error: unknown) => {
    if (error instanceof ValidationError && error.fieldErrors.code) await recordFailedCode(ip);
    throw error;
  });
  await signIn('credentials', {
    email: result.email,
    password: input.password,
    redirectTo: `/accounts/${encodeURIComponent(result.accountId)}/iam/users`,
  });
  return result;
});
