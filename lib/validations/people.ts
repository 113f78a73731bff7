import { z } from 'zod';
import { isUuid } from './iam';

// People and accounts (PRODUCT.md §9): setup, accounts, environments, users and invitations,
// profile and password resets. Shared by the forms (as their resolver) and the server.

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;

export const emailField = z
  .string({ error: 'Enter an email address' })
  .trim()
  .toLowerCase()
  .min(1, { error: 'Enter an email address' })
  .max(254, { error: 'The email address can be at most 254 characters' })
  .pipe(z.email({ error: 'Enter a valid email address' }));

export const personName = z
  .string({ error: 'Enter your name' })
  .trim()
  .min(1, { error: 'Enter your name' })
  .max(200, { error: 'The name can be at most 200 characters' });

/** A new password: the rule of every form that sets one. The server also refuses common ones. */
export const newPassword = z
  .string({ error: 'Enter a password' })
  .min(MIN_PASSWORD_LENGTH, { error: `The password must be at least ${MIN_PASSWORD_LENGTH} characters long` })
  .max(MAX_PASSWORD_LENGTH, { error: `The password can be at most ${MAX_PASSWORD_LENGTH} characters long` });

const repeatedPassword = z.string({ error: 'Enter the password again' }).max(MAX_PASSWORD_LENGTH, { error: 'The passwords do not match' });

/** Adds "password twice" to a schema: both fields, and that they match. */
function withPasswordTwice<T extends z.ZodRawShape>(shape: T) {
  return z
    .object({ ...shape, password: newPassword, confirmPassword: repeatedPassword })
    .refine((v) => {
      const { password, confirmPassword } = v as { password: string; confirmPassword: string };
      return password === confirmPassword;
    }, { error: 'The passwords do not match', path: ['confirmPassword'] });
}

const accountName = z
  .string({ error: 'Enter a name for the account' })
  .trim()
  .min(1, { error: 'Enter a name for the account' })
  .max(200, { error: 'The account name can be at most 200 characters' });

// ---- Setup ---------------------------------------------------------------------------------

export const setupCodeField = z
  .string({ error: 'Enter the setup code from the server log' })
  .trim()
  .toUpperCase()
  .min(1, { error: 'Enter the setup code from the server log' })
  .max(100, { error: 'This is not a setup code' });

const setupShape = { code: setupCodeField, accountName, name: personName, email: emailField };
export const setupSchema = withPasswordTwice(setupShape);
export type SetupInput = z.input<typeof setupSchema>;
/** With single sign-on only (PASSWORD_SIGN_IN=false): the admin signs in through the provider, with no password here. */
export const ssoSetupSchema = z.object(setupShape);
export type SsoSetupInput = z.input<typeof ssoSetupSchema>;

// ---- Accounts (instance administrator) -----------------------------------------------------

export const createAccountSchema = z.object({ name: accountName, adminEmail: emailField });
export type CreateAccountInput = z.input<typeof createAccountSchema>;

// ---- Environments --------------------------------------------------------------------------

const accountId = z.string({ error: 'Choose an account' }).min(1, { error: 'Choose an account' }).max(200);

export const ENVIRONMENT_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export const environmentName = z
  .string({ error: 'Enter a name for the environment' })
  .trim()
  .min(1, { error: 'Enter a name for the environment' })
  .max(100, { error: 'The name can be at most 100 characters' });

export const environmentIdField = z
  .string({ error: 'Enter an ID for the environment' })
  .trim()
  .toLowerCase()
  .min(1, { error: 'Enter an ID for the environment' })
  .max(63, { error: 'The ID can be at most 63 characters' })
  .regex(ENVIRONMENT_ID_PATTERN, {
    error: 'Use lowercase letters, digits and hyphens, starting and ending with a letter or digit',
  });

export const addEnvironmentSchema = z.object({ accountId, name: environmentName, environmentId: environmentIdField });
export type AddEnvironmentInput = z.input<typeof addEnvironmentSchema>;

export const renameEnvironmentSchema = z.object({ accountId, environmentId: environmentIdField, name: environmentName });
export type RenameEnvironmentInput = z.input<typeof renameEnvironmentSchema>;

export const deleteEnvironmentSchema = z
  .object({ accountId, environmentId: environmentIdField, confirmation: z.string({ error: 'Type the environment ID to confirm' }).max(200) })
  .refine((v) => v.confirmation.trim() === v.environmentId, {
    error: 'Type the environment ID exactly to confirm',
    path: ['confirmation'],
  });
export type DeleteEnvironmentInput = z.input<typeof deleteEnvironmentSchema>;

/** A proposed ID for a new environment: the name in lowercase letters, digits and hyphens. */
export function environmentIdFromName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '');
  return slug;
}

// ---- Users and invitations ------------------------------------------------------------------

export const ROLE_LABELS = { member: 'Member', admin: 'Account admin' } as const;
export const roleField = z.enum(['member', 'admin'], { error: 'Choose Member or Account admin' });

const uuidOf = (what: string) => z.string({ error: `Choose ${what}` }).refine(isUuid, { error: `Choose ${what}` });

export const inviteUserSchema = z.object({
  accountId,
  email: emailField,
  role: roleField,
  groupIds: z.array(uuidOf('a group'), { error: 'Choose groups from the list' }).max(100, { error: 'Choose at most 100 groups' }).default([]),
});
export type InviteUserInput = z.input<typeof inviteUserSchema>;

export const invitationRefSchema = z.object({ accountId, invitationId: uuidOf('an invitation') });
export type InvitationRefInput = z.input<typeof invitationRefSchema>;

export const changeRoleSchema = z.object({ accountId, userId: uuidOf('a user'), role: roleField });
export type ChangeRoleInput = z.input<typeof changeRoleSchema>;

export const memberRefSchema = z.object({ accountId, userId: uuidOf('a user') });
export type MemberRefInput = z.input<typeof memberRefSchema>;

const codeField = z.string({ error: 'This link is not valid' }).min(1, { error: 'This link is not valid' }).max(100, { error: 'This link is not valid' });

/** Accepting as a new person: the invitation's code, a name and a password twice. */
export const acceptInvitationSchema = withPasswordTwice({ code: codeField, name: personName });
export type AcceptInvitationInput = z.input<typeof acceptInvitationSchema>;

/** Accepting as someone who is signed in. */
export const joinWithInvitationSchema = z.object({ code: codeField });
export type JoinWithInvitationInput = z.input<typeof joinWithInvitationSchema>;

// ---- Profile -------------------------------------------------------------------------------

export const renameSelfSchema = z.object({ name: personName });
export type RenameSelfInput = z.input<typeof renameSelfSchema>;

export const changePasswordSchema = withPasswordTwice({
  currentPassword: z
    .string({ error: 'Enter your current password' })
    .min(1, { error: 'Enter your current password' })
    .max(MAX_PASSWORD_LENGTH, { error: 'The current password is not right' }),
});
export type ChangePasswordInput = z.input<typeof changePasswordSchema>;

/** "Sign out everywhere", after its confirm dialog. */
export const signOutEverywhereSchema = z.object({ confirm: z.literal(true, { error: 'Confirm signing out everywhere' }) });
export type SignOutEverywhereInput = z.input<typeof signOutEverywhereSchema>;

// ---- Forgot password -----------------------------------------------------------------------

export const requestPasswordResetSchema = z.object({ email: emailField });
export type RequestPasswordResetInput = z.input<typeof requestPasswordResetSchema>;

export const resetPasswordSchema = withPasswordTwice({ code: codeField });
export type ResetPasswordInput = z.input<typeof resetPasswordSchema>;
