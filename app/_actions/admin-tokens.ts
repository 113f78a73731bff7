'use server';

import { revalidatePath } from 'next/cache';
import { adminAction } from '@/app/_lib/action';
import { setTokenManagement } from '@/lib/accounts/token-management';
import { setTokenPolicy } from '@/lib/accounts/token-policy';
import { previewTokenSelection } from '@/lib/tokens/admin-queries';
import { bulkTokenAction } from '@/lib/tokens/bulk';
import { bulkTokenActionSchema, selectionPreviewSchema, tokenManagementSchema, tokenPolicySchema } from '@/lib/validations/admin-tokens';

const refresh = (accountId: string) => revalidatePath(`/accounts/${encodeURIComponent(accountId)}/iam`, 'layout');

export const bulkTokensAction = adminAction(bulkTokenActionSchema, async (input, { actor, db }) => {
  const result = await bulkTokenAction(db, actor, input.accountId, input.action, input.selection, new Date());
  refresh(input.accountId);
  return result;
});

/** What "select all matching" would act on, for the confirm dialog: the exact count and first IDs. */
export const previewSelectionAction = adminAction(selectionPreviewSchema, async (input, { actor, db }) =>
  previewTokenSelection(db, actor, input.accountId, input.filter, new Date()),
);

export const setTokenManagementAction = adminAction(tokenManagementSchema, async (input, { actor, db }) => {
  const result = await setTokenManagement(db, actor, input.accountId, input.allow);
  refresh(input.accountId);
  return result;
});

export const setTokenPolicyAction = adminAction(tokenPolicySchema, async ({ accountId, ...policy }, { actor, db }) => {
  const result = await setTokenPolicy(db, actor, accountId, policy);
  refresh(accountId);
  return result;
});
