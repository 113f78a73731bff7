'use server';

import { headers } from 'next/headers';
import { signIn } from '@/auth';
import { publicAction, userAction } from '@/app/_lib/action';
import { ValidationError } from '@/lib/errors';
import { clientIp } from '@/lib/http/client-ip';
import { acceptInvitationAsNewPerson, joinWithInvitation } from '@/lib/people/invitations';
import { codeAttemptsRetryAfter, recordFailedCode, tooManyAttemptsMessage } from '@/lib/people/public-limits';
import { acceptInvitationSchema, joinWithInvitationSchema } from '@/lib/validations/people';

/** A new person accepts with a name and a password, and is signed in. */
export const acceptInvitationAction = publicAction(acceptInvitationSchema, async (input, { db }) => {
  const ip = clientIp(await headers());
  const wait = await codeAttemptsRetryAfter(ip);
  if (wait > 0) throw ValidationError.field('code', tooManyAttemptsMessage(wait));
  const accepted = await acceptInvitationAsNewPerson(db, input).catch(async (error: unknown) => {
    if (error instanceof ValidationError && error.fieldErrors.code) await recordFailedCode(ip);
    throw error;
  });
  await signIn('credentials', { email: accepted.email, password: input.password, redirectTo: '/platform-tokens' });
  return accepted;
});

/** Someone signed in joins the account of an invitation made out to their email. */
export const joinWithInvitationAction = userAction(joinWithInvitationSchema, async (input, { actor, db }) => joinWithInvitation(db, actor, input));
