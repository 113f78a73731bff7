'use server';

import { revalidatePath } from 'next/cache';
import { adminAction } from '@/app/_lib/action';
import { deliverLater, linkOrigin } from '@/app/_lib/portal-links';
import { inviteUser, resendInvitation, revokeInvitation } from '@/lib/people/invitations';
import { changeRole, removalPreview, removeMember } from '@/lib/people/members';
import { changeRoleSchema, invitationRefSchema, inviteUserSchema, memberRefSchema } from '@/lib/validations/people';

const refresh = (accountId: string) => revalidatePath(`/accounts/${encodeURIComponent(accountId)}/iam`, 'layout');

/** Invites by email; answers with the link, which is shown once and never stored. */
export const inviteUserAction = adminAction(inviteUserSchema, async (input, { actor, db }) => {
  const { delivery, ...sent } = await inviteUser(db, actor, input, await linkOrigin());
  deliverLater(delivery);
  refresh(input.accountId);
  return sent;
});

export const resendInvitationAction = adminAction(invitationRefSchema, async (input, { actor, db }) => {
  const { delivery, ...sent } = await resendInvitation(db, actor, input, await linkOrigin());
  deliverLater(delivery);
  refresh(input.accountId);
  return sent;
});

export const revokeInvitationAction = adminAction(invitationRefSchema, async (input, { actor, db }) => {
  const result = await revokeInvitation(db, actor, input);
  refresh(input.accountId);
  return result;
});

export const changeRoleAction = adminAction(changeRoleSchema, async (input, { actor, db }) => {
  const result = await changeRole(db, actor, input);
  refresh(input.accountId);
  return result;
});

/** What removing someone would disable, for the confirm dialog; changes nothing. */
export const removalPreviewAction = adminAction(memberRefSchema, async (input, { actor, db }) => removalPreview(db, actor, input));

export const removeMemberAction = adminAction(memberRefSchema, async (input, { actor, db }) => {
  const result = await removeMember(db, actor, input);
  refresh(input.accountId);
  return result;
});
