import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Actor } from '@/lib/auth/users';
import { groupMembers, groups } from '@/lib/db/schema';
import { NotFoundError } from '@/lib/errors';
import { setMemberGroups } from '@/lib/iam/group-operations';
import { listServiceUsers } from '@/lib/iam/iam-queries';
import { createServiceUser, deleteServiceUser } from '@/lib/iam/service-user-operations';
import { inviteUser, revokeInvitation } from '@/lib/people/invitations';
import { listAccountUsers, removeMember, type AccountUserRow } from '@/lib/people/members';
import { fieldWithUnstorableText } from '@/lib/validations/result';
import { createServiceUserSchema } from '@/lib/validations/iam';
import { inviteUserSchema } from '@/lib/validations/people';
import { created, defineEndpoint, noContent, ok, type PlatformContext } from '../endpoint';
import { badRequest } from '../errors';
import { accountAdmin, asRequestError } from './account-access';
import { storableString } from './storage-json';

// The account's users (members and open invitations) and service users, for automation
// (PRODUCT.md §12): each call is the admin page's domain function, with the calling token's owner
// as the admin, so the last admin stays, removal disables the person's tokens, invitations are
// single-use links sent by email, and every change is audited as on the pages.

const BASE = '/iam/v1/accounts/{accountId}';
const accountParams = z.object({ accountId: z.string() });
const userParams = z.object({ accountId: z.string(), email: storableString(z.string().max(254)) });

/** Refuses text PostgreSQL cannot store in any field, naming it, before a domain schema sees it. */
function storableFields<T extends z.ZodObject>(schema: T): T {
  return schema.superRefine((value, ctx) => {
    const field = fieldWithUnstorableText(value);
    if (field !== null) ctx.addIssue({ code: 'custom', path: field ? [field] : [], message: 'must not contain the character U+0000 or an unpaired UTF-16 surrogate' });
  }) as unknown as T;
}

const USER_STATUS = { Active: 'ACTIVE', Invited: 'INVITED', 'Invitation expired': 'INVITATION_EXPIRED' } as const satisfies Record<AccountUserRow['status'], string>;

const userSchema = z.object({
  uid: z.string().nullable(),
  email: z.string(),
  name: z.string().nullable(),
  role: z.enum(['member', 'admin']),
  status: z.enum(['ACTIVE', 'INVITED', 'INVITATION_EXPIRED']),
  lastSignInAt: z.string().nullable(),
  invitationExpiresAt: z.string().nullable(),
});

function userOf(row: AccountUserRow): z.output<typeof userSchema> {
  return {
    uid: row.userId,
    email: row.email,
    name: row.name,
    role: row.role,
    status: USER_STATUS[row.status],
    lastSignInAt: row.lastSignInAt?.toISOString() ?? null,
    invitationExpiresAt: row.expiresAt?.toISOString() ?? null,
  };
}

/** The member, or else the open invitation, with this email; 404 when there is neither. */
async function userByEmail(ctx: PlatformContext, actor: Actor, email: string): Promise<AccountUserRow> {
  const wanted = email.trim().toLowerCase();
  const rows = (await listAccountUsers(ctx.db, actor, ctx.accountId)).filter((r) => r.email === wanted);
  const found = rows.find((r) => r.userId !== null) ?? rows[0];
  if (!found) throw new NotFoundError(`No member or open invitation of this account has the email ${wanted.slice(0, 254)}.`);
  return found;
}

export const listUsers = defineEndpoint({
  id: 'account-management.users.list',
  service: 'account-management',
  level: 'account',
  method: 'GET',
  path: `${BASE}/users`,
  scopes: ['account-idm-read'],
  summary: "List the account's users and open invitations",
  params: accountParams,
  responses: { 200: { description: 'Every member and open invitation, by email.', schema: z.object({ count: z.int(), items: z.array(userSchema) }) } },
  async handle(_input, ctx) {
    const actor = await accountAdmin(ctx);
    const rows = await listAccountUsers(ctx.db, actor, ctx.accountId);
    return ok({ count: rows.length, items: rows.map(userOf) });
  },
});

export const getUser = defineEndpoint({
  id: 'account-management.users.get',
  service: 'account-management',
  level: 'account',
  method: 'GET',
  path: `${BASE}/users/{email}`,
  scopes: ['account-idm-read'],
  summary: 'Read a user of the account, with their groups',
  params: userParams,
  responses: {
    200: {
      description: 'The member (or open invitation) and the groups of the account they are in.',
      schema: userSchema.extend({ groups: z.array(z.object({ uuid: z.string(), name: z.string() })) }),
    },
  },
  async handle({ params }, ctx) {
    const actor = await accountAdmin(ctx);
    const user = await userByEmail(ctx, actor, params.email);
    const memberOf = user.userId
      ? await ctx.db
          .select({ uuid: groups.id, name: groups.name })
          .from(groupMembers)
          .innerJoin(groups, eq(groups.id, groupMembers.groupId))
          .where(and(eq(groups.accountId, ctx.accountId), eq(groupMembers.userId, user.userId)))
          .orderBy(asc(groups.name))
      : [];
    return ok({ ...userOf(user), groups: memberOf });
  },
});

export const inviteAccountUser = defineEndpoint({
  id: 'account-management.users.invite',
  service: 'account-management',
  level: 'account',
  method: 'POST',
  path: `${BASE}/users`,
  scopes: ['account-idm-write'],
  summary: 'Invite a person to the account',
  description: 'An invitation link valid for 7 days, once, is emailed to them (the outbox, or SMTP when configured); it is not in the answer.',
  params: accountParams,
  body: storableFields(inviteUserSchema.omit({ accountId: true })),
  requestBody: '{ email, role: "member" | "admin", groupIds[]? }',
  exampleBody: { email: 'new.colleague@example.com', role: 'member', groupIds: [] },
  responses: { 201: { description: 'The invitation.', schema: userSchema } },
  async handle({ body }, ctx) {
    const actor = await accountAdmin(ctx);
    if (!ctx.origin) throw badRequest('The portal’s address is unknown, so no invitation link can be made: set AUTH_URL.');
    const sent = await inviteUser(ctx.db, actor, { ...body, accountId: ctx.accountId }, ctx.origin).catch((error: unknown) => {
      throw asRequestError(error, { email: 'email', role: 'role', groupIds: 'groupIds' });
    });
    // After the commit, as the page does; a failed delivery leaves the invitation in the list to resend.
    if (sent.delivery) void sent.delivery().catch((error: unknown) => console.error('[email] delivery failed:', error instanceof Error ? error.message : error));
    return created({
      uid: null,
      email: sent.email,
      name: null,
      role: body.role,
      status: 'INVITED' as const,
      lastSignInAt: null,
      invitationExpiresAt: sent.expiresAt.toISOString(),
    });
  },
});

export const removeAccountUser = defineEndpoint({
  id: 'account-management.users.remove',
  service: 'account-management',
  level: 'account',
  method: 'DELETE',
  path: `${BASE}/users/{email}`,
  scopes: ['account-idm-write'],
  summary: 'Remove a member from the account, or revoke their invitation',
  description: "A member's tokens in the account are disabled; the last admin cannot be removed.",
  params: userParams,
  responses: { 204: { description: 'Removed, or the invitation revoked.' } },
  errors: [409],
  async handle({ params }, ctx) {
    const actor = await accountAdmin(ctx);
    const user = await userByEmail(ctx, actor, params.email);
    if (user.userId) await removeMember(ctx.db, actor, { accountId: ctx.accountId, userId: user.userId });
    else await revokeInvitation(ctx.db, actor, { accountId: ctx.accountId, invitationId: user.invitationId ?? '' });
    return noContent();
  },
});

export const setUserGroups = defineEndpoint({
  id: 'account-management.users.set-groups',
  service: 'account-management',
  level: 'account',
  method: 'PUT',
  path: `${BASE}/users/{email}/groups`,
  scopes: ['account-idm-write'],
  summary: "Set the groups of the account a member is in",
  description: 'The member is then in exactly these groups of the account (by group ID), all in one change.',
  params: userParams,
  body: z.object({ groupIds: z.array(z.string().max(100)).max(100, { error: 'can name at most 100 groups' }) }),
  requestBody: '{ groupIds[] }',
  exampleBody: { groupIds: [] },
  responses: { 204: { description: 'The member is in exactly these groups now.' } },
  async handle({ params, body }, ctx) {
    const actor = await accountAdmin(ctx);
    const user = await userByEmail(ctx, actor, params.email);
    if (!user.userId) throw new NotFoundError(`${user.email} has not accepted the invitation yet; invite them with the groups instead.`);
    await setMemberGroups(ctx.db, actor, { accountId: ctx.accountId, userId: user.userId, groupIds: body.groupIds }).catch((error: unknown) => {
      throw asRequestError(error, { groupIds: 'groupIds' });
    });
    return noContent();
  },
});

const serviceUserSchema = z.object({
  uid: z.string(),
  email: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  createdAt: z.string(),
});

export const listAccountServiceUsers = defineEndpoint({
  id: 'account-management.service-users.list',
  service: 'account-management',
  level: 'account',
  method: 'GET',
  path: `${BASE}/service-users`,
  scopes: ['account-idm-read'],
  summary: "List the account's service users",
  params: accountParams,
  responses: { 200: { description: 'Every service user of the account, by email.', schema: z.object({ count: z.int(), results: z.array(serviceUserSchema) }) } },
  async handle(_input, ctx) {
    const actor = await accountAdmin(ctx);
    const rows = await listServiceUsers(ctx.db, actor, ctx.accountId);
    return ok({
      count: rows.length,
      results: rows.map((r) => ({ uid: r.id, email: r.email, name: r.name, description: r.description || null, createdAt: r.createdAt.toISOString() })),
    });
  },
});

export const createAccountServiceUser = defineEndpoint({
  id: 'account-management.service-users.create',
  service: 'account-management',
  level: 'account',
  method: 'POST',
  path: `${BASE}/service-users`,
  scopes: ['account-idm-write'],
  summary: 'Create a service user',
  params: accountParams,
  body: storableFields(createServiceUserSchema.omit({ accountId: true })),
  requestBody: '{ email (…@service.<domain>), name, description? }',
  exampleBody: { email: 'deploy-bot@service.example.com', name: 'Deploy bot', description: 'Deploys from CI' },
  responses: { 201: { description: 'The service user.', schema: z.object({ uid: z.string(), email: z.string(), name: z.string() }) } },
  async handle({ body }, ctx) {
    const actor = await accountAdmin(ctx);
    const made = await createServiceUser(ctx.db, actor, { ...body, accountId: ctx.accountId }).catch((error: unknown) => {
      throw asRequestError(error, { email: 'email', name: 'name', description: 'description' });
    });
    return created({ uid: made.id, email: body.email, name: body.name });
  },
});

export const deleteAccountServiceUser = defineEndpoint({
  id: 'account-management.service-users.delete',
  service: 'account-management',
  level: 'account',
  method: 'DELETE',
  path: `${BASE}/service-users/{id}`,
  scopes: ['account-idm-write'],
  summary: 'Delete a service user and its tokens',
  params: z.object({ accountId: z.string(), id: z.uuid({ error: 'must be the uid of a service user' }) }),
  responses: { 204: { description: 'Deleted, with its tokens and group memberships.' } },
  async handle({ params }, ctx) {
    const actor = await accountAdmin(ctx);
    await deleteServiceUser(ctx.db, actor, { accountId: ctx.accountId, serviceUserId: params.id }).catch((error: unknown) => {
      throw error instanceof NotFoundError ? new NotFoundError(`No service user of this account has the uid ${params.id}.`) : error;
    });
    return noContent();
  },
});

export const accountIdmEndpoints = [
  listUsers,
  getUser,
  inviteAccountUser,
  removeAccountUser,
  setUserGroups,
  listAccountServiceUsers,
  createAccountServiceUser,
  deleteAccountServiceUser,
];
