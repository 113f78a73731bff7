'use server';

import { revalidatePath } from 'next/cache';
import { signOut } from '@/auth';
import { userAction } from '@/app/_lib/action';
import { currentSessionId } from '@/app/_lib/session';
import { changePassword, renameSelf, signOutEverywhere } from '@/lib/people/profile';
import { changePasswordSchema, renameSelfSchema, signOutEverywhereSchema } from '@/lib/validations/people';

export const renameSelfAction = userAction(renameSelfSchema, async (input, { actor, db }) => {
  const result = await renameSelf(db, actor, input);
  revalidatePath('/', 'layout');
  return result;
});

/** Keeps this session and ends every other one of the person. */
export const changePasswordAction = userAction(changePasswordSchema, async (input, { actor, db }) =>
  changePassword(db, actor, await currentSessionId(), input),
);

/** Ends every session, this one too, then clears the cookie and goes to the sign-in page. */
export const signOutEverywhereAction = userAction(signOutEverywhereSchema, async (input, { actor, db }) => {
  const result = await signOutEverywhere(db, actor, input);
  await signOut({ redirectTo: '/sign-in' });
  return result;
});
