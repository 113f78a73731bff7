'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { adminAction } from '@/app/_lib/action';
import { createPolicy, deletePolicy, updatePolicy } from '@/lib/iam/policy-operations';
import { createPolicySchema, deletePolicySchema, updatePolicySchema } from '@/lib/validations/iam';

const refresh = (accountId: string) => revalidatePath(`/accounts/${encodeURIComponent(accountId)}/iam`, 'layout');

export const createPolicyAction = adminAction(createPolicySchema, async (input, { actor, db }) => {
  const policy = await createPolicy(db, actor, input);
  refresh(input.accountId);
  return policy;
});

export const updatePolicyAction = adminAction(updatePolicySchema, async (input, { actor, db }) => {
  await updatePolicy(db, actor, input);
  refresh(input.accountId);
});

export const deletePolicyAction = adminAction(deletePolicySchema, async (input, { actor, db }) => {
  await deletePolicy(db, actor, input);
  refresh(input.accountId);
});

/** From the policy's own page: deletes it and goes to the list, rather than re-rendering a missing policy. */
export const deletePolicyAndReturnAction = adminAction(deletePolicySchema, async (input, { actor, db }) => {
  await deletePolicy(db, actor, input);
  refresh(input.accountId);
  redirect(`/accounts/${encodeURIComponent(input.accountId)}/iam/policies`);
});
