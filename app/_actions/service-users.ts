'use server';

import { revalidatePath } from 'next/cache';
import { adminAction } from '@/app/_lib/action';
import { createServiceUser, deleteServiceUser } from '@/lib/iam/service-user-operations';
import { createServiceUserSchema, deleteServiceUserSchema } from '@/lib/validations/iam';

const refresh = (accountId: string) => revalidatePath(`/accounts/${encodeURIComponent(accountId)}/iam`, 'layout');

export const createServiceUserAction = adminAction(createServiceUserSchema, async (input, { actor, db }) => {
  const serviceUser = await createServiceUser(db, actor, input);
  refresh(input.accountId);
  return serviceUser;
});

export const deleteServiceUserAction = adminAction(deleteServiceUserSchema, async (input, { actor, db }) => {
  const result = await deleteServiceUser(db, actor, input);
  refresh(input.accountId);
  return result;
});
