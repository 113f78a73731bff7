'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { adminAction } from '@/app/_lib/action';
import { bindPolicy, unbindPolicy } from '@/lib/iam/binding-operations';
import { addGroupMember, createGroup, deleteGroup, removeGroupMember, renameGroup } from '@/lib/iam/group-operations';
import {
  bindPolicySchema,
  createGroupSchema,
  deleteGroupSchema,
  groupMemberSchema,
  renameGroupSchema,
  unbindPolicySchema,
} from '@/lib/validations/iam';

const refresh = (accountId: string) => revalidatePath(`/accounts/${encodeURIComponent(accountId)}/iam`, 'layout');

export const createGroupAction = adminAction(createGroupSchema, async (input, { actor, db }) => {
  const group = await createGroup(db, actor, input);
  refresh(input.accountId);
  return group;
});

export const renameGroupAction = adminAction(renameGroupSchema, async (input, { actor, db }) => {
  await renameGroup(db, actor, input);
  refresh(input.accountId);
});

export const deleteGroupAction = adminAction(deleteGroupSchema, async (input, { actor, db }) => {
  await deleteGroup(db, actor, input);
  refresh(input.accountId);
});

/** From the group's own page: deletes it and goes to the list, rather than re-rendering a missing group. */
export const deleteGroupAndReturnAction = adminAction(deleteGroupSchema, async (input, { actor, db }) => {
  await deleteGroup(db, actor, input);
  refresh(input.accountId);
  redirect(`/accounts/${encodeURIComponent(input.accountId)}/iam/groups`);
});

export const addGroupMemberAction = adminAction(groupMemberSchema, async (input, { actor, db }) => {
  await addGroupMember(db, actor, input);
  refresh(input.accountId);
});

export const removeGroupMemberAction = adminAction(groupMemberSchema, async (input, { actor, db }) => {
  await removeGroupMember(db, actor, input);
  refresh(input.accountId);
});

export const bindPolicyAction = adminAction(bindPolicySchema, async (input, { actor, db }) => {
  await bindPolicy(db, actor, input);
  refresh(input.accountId);
});

export const unbindPolicyAction = adminAction(unbindPolicySchema, async (input, { actor, db }) => {
  await unbindPolicy(db, actor, input);
  refresh(input.accountId);
});
