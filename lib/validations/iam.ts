import { z } from 'zod';
import { isPermission } from '@/lib/iam/permissions';
import { formatPolicyError, MAX_POLICY_LENGTH, parsePolicy } from '@/lib/iam/policy-parser';

// Shared by the admin forms (as their resolver) and the server actions and operations (which parse
// again): one definition of what a valid group, policy, binding or service user is.

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

export const isUuid = (value: string) => new RegExp(`^${UUID}$`).test(value);

const accountId = z.string({ error: 'Choose an account' }).min(1, { error: 'Choose an account' }).max(200);
const idOf = (what: string) => z.string({ error: `Choose ${what}` }).regex(new RegExp(`^${UUID}$`), { error: `Choose ${what}` });

const name = (what: string) =>
  z
    .string({ error: `Enter a name for the ${what}` })
    .trim()
    .min(1, { error: `Enter a name for the ${what}` })
    .max(255, { error: 'The name can be at most 255 characters' });

const description = z
  .string()
  .trim()
  .max(1000, { error: 'The description can be at most 1000 characters' })
  .optional()
  .default('');

// ---- Groups --------------------------------------------------------------------------------

export const createGroupSchema = z.object({ accountId, name: name('group'), description });
export type CreateGroupInput = z.input<typeof createGroupSchema>;

export const renameGroupSchema = z.object({ accountId, groupId: idOf('a group'), name: name('group'), description });
export type RenameGroupInput = z.input<typeof renameGroupSchema>;

export const deleteGroupSchema = z.object({ accountId, groupId: idOf('a group') });
export type DeleteGroupInput = z.input<typeof deleteGroupSchema>;

/** A group member as a form value: `user:<id>` or `service-user:<id>`. */
export type MemberRef = `user:${string}` | `service-user:${string}`;
const MEMBER_REF = new RegExp(`^(user|service-user):(${UUID})$`);

export function memberRef(member: { kind: 'user'; userId: string } | { kind: 'service-user'; serviceUserId: string }): MemberRef {
  return member.kind === 'user' ? `user:${member.userId}` : `service-user:${member.serviceUserId}`;
}

export function parseMemberRef(value: string): { kind: 'user'; userId: string } | { kind: 'service-user'; serviceUserId: string } | null {
  const match = MEMBER_REF.exec(value);
  if (!match) return null;
  const id = match[2]!.toLowerCase();
  return match[1] === 'user' ? { kind: 'user', userId: id } : { kind: 'service-user', serviceUserId: id };
}

const member = z
  .string({ error: 'Choose a user or service user' })
  .regex(MEMBER_REF, { error: 'Choose a user or service user' });

export const groupMemberSchema = z.object({ accountId, groupId: idOf('a group'), member });
export type GroupMemberInput = z.input<typeof groupMemberSchema>;

/** Every group a user of the account is to be in, and none other. */
export const setMemberGroupsSchema = z.object({
  accountId,
  userId: idOf('a user'),
  groupIds: z.array(idOf('a group'), { error: 'Choose groups from the list' }).max(100, { error: 'Choose at most 100 groups' }),
});
export type SetMemberGroupsInput = z.input<typeof setMemberGroupsSchema>;

// ---- Bindings ------------------------------------------------------------------------------

export const bindPolicySchema = z
  .object({
    accountId,
    groupId: idOf('a group'),
    policyId: idOf('a policy'),
    accountWide: z.boolean(),
    environmentIds: z.array(z.string().min(1).max(200)).max(100).default([]),
  })
  .refine((b) => b.accountWide || b.environmentIds.length > 0, {
    error: 'Choose at least one environment, or apply the policy to the whole account',
    path: ['environmentIds'],
  });
export type BindPolicyInput = z.input<typeof bindPolicySchema>;

export const unbindPolicySchema = z.object({ accountId, groupId: idOf('a group'), policyId: idOf('a policy') });
export type UnbindPolicyInput = z.input<typeof unbindPolicySchema>;

// ---- Policies ------------------------------------------------------------------------------

/**
 * Statement text that parses and can be saved (an email condition names a valid email); the
 * message names the line and column of the first error.
 */
export const policyStatementsSchema = z
  .string({ error: 'Enter the policy statements' })
  .max(MAX_POLICY_LENGTH, { error: `The policy can be at most ${MAX_POLICY_LENGTH} characters` })
  .superRefine((text, context) => {
    if (text.trim() === '') {
      context.addIssue({ code: 'custom', message: 'Enter at least one statement' });
      return;
    }
    const parsed = parsePolicy(text, { saving: true });
    if (!parsed.ok) context.addIssue({ code: 'custom', message: formatPolicyError(parsed.error) });
    else if (parsed.statements.length === 0) context.addIssue({ code: 'custom', message: 'Enter at least one statement' });
  });

const policyFields = { name: name('policy'), description, statements: policyStatementsSchema };

export const createPolicySchema = z.object({ accountId, ...policyFields });
export type CreatePolicyInput = z.input<typeof createPolicySchema>;

export const updatePolicySchema = z.object({ accountId, policyId: idOf('a policy'), ...policyFields });
export type UpdatePolicyInput = z.input<typeof updatePolicySchema>;

export const deletePolicySchema = z.object({ accountId, policyId: idOf('a policy') });
export type DeletePolicyInput = z.input<typeof deletePolicySchema>;

// ---- Service users -------------------------------------------------------------------------

/** Service identities live under a `service.` domain, e.g. `ci-bot@service.example.com`. */
export function isServiceIdentityEmail(email: string): boolean {
  return /^[^@\s]+@service(\.[a-z0-9-]+)+$/.test(email);
}

export const SERVICE_EMAIL_MESSAGE = 'A service user email must end in @service.<domain>, e.g. ci-bot@service.example.com';

export const createServiceUserSchema = z.object({
  accountId,
  email: z
    .string({ error: 'Enter the email of the service user' })
    .trim()
    .toLowerCase()
    .min(1, { error: 'Enter the email of the service user' })
    .max(320, { error: 'The email is too long' })
    .pipe(z.email({ error: 'Enter a valid email address' }))
    .refine(isServiceIdentityEmail, { error: SERVICE_EMAIL_MESSAGE }),
  name: name('service user'),
  description,
});
export type CreateServiceUserInput = z.input<typeof createServiceUserSchema>;

export const deleteServiceUserSchema = z.object({ accountId, serviceUserId: idOf('a service user') });
export type DeleteServiceUserInput = z.input<typeof deleteServiceUserSchema>;

// ---- Simulator -----------------------------------------------------------------------------

export const simulateSchema = z.object({
  accountId,
  identity: member,
  /** An environment ID, or empty for an account-wide check. */
  environmentId: z.string().max(200).default(''),
  permission: z
    .string({ error: 'Choose a permission' })
    .refine(isPermission, { error: 'Choose a permission from the list' }),
  /** Attribute values of the simulated request; empty values are left out of the request. */
  attributes: z
    .record(z.string().max(200), z.string().max(1000, { error: 'An attribute value can be at most 1000 characters' }))
    .default({}),
});
export type SimulateInput = z.input<typeof simulateSchema>;
