'use server';

import { revalidatePath } from 'next/cache';
import { adminAction } from '@/app/_lib/action';
import { addEnvironment, deleteEnvironment, renameEnvironment } from '@/lib/accounts/environments';
import { addEnvironmentSchema, deleteEnvironmentSchema, renameEnvironmentSchema } from '@/lib/validations/people';

const refresh = (accountId: string) => revalidatePath(`/accounts/${encodeURIComponent(accountId)}/iam`, 'layout');

export const addEnvironmentAction = adminAction(addEnvironmentSchema, async (input, { actor, db }) => {
  const environment = await addEnvironment(db, actor, input);
  refresh(input.accountId);
  return environment;
});

export const renameEnvironmentAction = adminAction(renameEnvironmentSchema, async (input, { actor, db }) => {
  const environment = await renameEnvironment(db, actor, input);
  refresh(input.accountId);
  return environment;
});

export const deleteEnvironmentAction = adminAction(deleteEnvironmentSchema, async (input, { actor, db }) => {
  const result = await deleteEnvironment(db, actor, input);
  refresh(input.accountId);
  return result;
});
