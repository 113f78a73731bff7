'use server';

import { revalidatePath } from 'next/cache';
import { userAction } from '@/app/_lib/action';
import { deliverLater, linkOrigin } from '@/app/_lib/portal-links';
import { assertInstanceAdmin, createAccount } from '@/lib/accounts/accounts';
import { createAccountSchema } from '@/lib/validations/people';

/** Instance administrators: a new account, and the invitation of its first admin (link shown once). */
export const createAccountAction = userAction(createAccountSchema, async (input, { actor, db }) => {
  assertInstanceAdmin(actor);
  const { delivery, ...created } = await createAccount(db, actor, input, await linkOrigin());
  deliverLater(delivery);
  revalidatePath('/admin/accounts');
  return created;
});
