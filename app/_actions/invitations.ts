'use server';

import { headers } from 'next/headers';
import { publicAction, userAction } from '@/app/_lib/action';
import { signInWithNewPassword } from '@/app/_lib/new-password-sign-in';
import { assertPasswordsOn } from '@/lib/auth/password-rules';
import { clientIp } from '@/lib/http/client-ip';
import { acceptInvitationAsNewPerson, joinWithInvitation } from '@/lib/people/invitations';
import { attemptWithCode } from '@/lib/people/public-limits';
import { acceptInvitationSchema, joinWithInvitationSchema } from '@/lib/validations/people';

/** A new person accepts with a name and a password, and is signed in; with single sign-on only, they sign in with it and join. */
export const acceptInvitationAction = publicAction(acceptInvitationSchema, async (input, { db }) => {
  assertPasswordsOn();
  const accepted = await attemptWithCode(clientIp(await headers()), () => acceptInvitationAsNewPerson(db, input));
  return signInWithNewPassword(accepted.email, input.password, '/platform-tokens');
});

/** Someone signed in joins the account of an invitation made out to their email. */
export const joinWithInvitationAction = userAction(joinWithInvitationSchema, async (input, { actor, db }) => joinWithInvitation(db, actor, input));
