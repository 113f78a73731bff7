import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { accounts, platformTokens } from '@/lib/db/schema';
import { tokenNotFound } from '@/lib/tokens/access';
import { countAccountTokens, listAccountTokens } from '@/lib/tokens/admin-queries';
import { generatePlatformToken } from '@/lib/tokens/generate';
import { changeTokenExpiration, deleteToken, disableToken, enableToken } from '@/lib/tokens/lifecycle';
import { rotateToken } from '@/lib/tokens/rotate';
import { MAX_OVERLAP_MS, proposeNewExpiration } from '@/lib/tokens/rotation-proposals';
import type { TokenState } from '@/lib/tokens/status';
import { adminTokenFilterSchema, type AdminTokenStatusFilter } from '@/lib/validations/admin-tokens';
import { tokenFormSchema, tokenIdSchema, tokenNameSchema, type TokenFormValues } from '@/lib/validations/tokens';
import { isScopeName } from '../catalogue';
import { created, defineEndpoint, noContent, ok, type PlatformContext } from '../endpoint';
import { badRequest } from '../errors';
import { accountAdmin, asRequestError, tokenCreator } from './account-access';
import { storableString } from './storage-json';
import { queryParameters } from '../query-parameters';

// The account's platform tokens for automation (PRODUCT.md §12), in the shape of the original
// account management API. Every change goes through the domain function the pages use, so the
// limit, the allow switch, the service-user right and every other rule of §3 hold here as there;
// their refusals name the request's fields. The secret is only ever in a 201's body.

const BASE = '/iam/v1/accounts/{accountId}/platform-tokens';
const ACCOUNT_URN = 'urn:dtaccount:';
const ENVIRONMENT_URN = 'urn:dtenvironment:';
const MAX_ID_LENGTH = 200;

/** The request's names of the fields the domain's refusals name. */
const FIELDS = {
  name: 'name',
  scopes: 'scope',
  environmentIds: 'resource',
  appliesToAccount: 'resource',
  expiresAt: 'expirationDate',
  expiration: 'expirationDate',
  serviceUserId: 'userUuid',
  generateFor: 'userUuid',
} as const;

const accountParams = z.object({ accountId: z.string() });
const tokenParams = z.object({ accountId: z.string(), tokenId: tokenIdSchema });

const expirationDate = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 date-time such as 2030-01-31T12:00:00Z, or null for never' })
  .nullable();

const STATUS_FILTERS = { ACTIVE: 'active', INACTIVE: 'disabled', EXPIRED: 'expired' } as const satisfies Record<string, AdminTokenStatusFilter>;

// A misspelt parameter would otherwise list everything without a word.
const listQuery = queryParameters({
  searchTerm: adminTokenFilterSchema.shape.q.optional(),
  status: z.enum(['ACTIVE', 'INACTIVE', 'EXPIRED'], { error: 'must be ACTIVE, INACTIVE or EXPIRED' }).optional(),
  page: z.coerce.number({ error: 'must be a whole number from 1 to 1000' }).int('must be a whole number from 1 to 1000').min(1, 'must be a whole number from 1 to 1000').max(1000, 'must be a whole number from 1 to 1000').default(1),
  size: z.coerce.number({ error: 'must be a whole number from 1 to 100' }).int('must be a whole number from 1 to 100').min(1, 'must be a whole number from 1 to 100').max(100, 'must be a whole number from 1 to 100').default(50),
});

const tokenSchema = z.object({
  tokenId: z.string(),
  accountUuid: z.string(),
  name: z.string(),
  description: z.string(),
  scope: z.array(z.string()),
  tags: z.array(z.string()),
  resource: z.array(z.string()),
  status: z.enum(['ACTIVE', 'INACTIVE', 'EXPIRED']),
  creationDate: z.string(),
  expirationDate: z.string().nullable(),
  userUuid: z.string(),
  metadata: z.object({ lastUsedAt: z.string().nullable(), lastClientIp: z.string().nullable() }),
});

const secretSchema = z.object({ name: z.string(), tokenId: z.string(), token: z.string() });

const STATE_STATUS = { Active: 'ACTIVE', Disabled: 'INACTIVE', Expired: 'EXPIRED' } as const satisfies Record<TokenState, string>;

function resourcesOf(accountId: string, appliesToAccount: boolean, environmentIds: readonly string[]): string[] {
  return appliesToAccount ? [`${ACCOUNT_URN}${accountId}`] : environmentIds.map((id) => `${ENVIRONMENT_URN}${id}`);
}

/** The token, when it belongs to the account in the path; otherwise the same 404 as an unknown one. */
async function inAccount(ctx: PlatformContext, tokenId: string): Promise<string> {
  const [row] = await ctx.db
    .select({ accountId: platformTokens.accountId })
    .from(platformTokens)
    .where(eq(platformTokens.publicId, tokenId.slice(tokenId.indexOf('.') + 1)));
  if (row?.accountId !== ctx.accountId) throw tokenNotFound(tokenId);
  return tokenId;
}

export const listAccountPlatformTokens = defineEndpoint({
  id: 'account-management.platform-tokens.list',
  service: 'account-management',
  level: 'account',
  method: 'GET',
  path: BASE,
  scopes: ['platform-token:tokens:manage'],
  summary: "List the account's platform tokens",
  description: 'Newest first, a page at a time; `searchTerm` matches names, token IDs and owners as the admin list does.',
  params: accountParams,
  query: listQuery,
  responses: {
    200: {
      description: "A page of the account's tokens.",
      schema: z.object({ pageSize: z.int(), pageNumber: z.int(), total: z.int(), results: z.array(tokenSchema) }),
    },
  },
  async handle({ query }, ctx) {
    const actor = await accountAdmin(ctx);
    const filter = { q: query.searchTerm ?? '', status: query.status ? STATUS_FILTERS[query.status] : ('all' as const) };
    const page = await listAccountTokens(ctx.db, actor, ctx.accountId, { ...filter, sort: 'created', dir: 'desc', page: query.page, size: query.size }, ctx.now);
    const total = await countAccountTokens(ctx.db, actor, ctx.accountId, filter, ctx.now, 10_000);
    // What the admin list does not show: scopes, environment IDs and the owning service user.
    const publicIds = page.rows.map((r) => r.publicId);
    const extra = publicIds.length
      ? await ctx.db
          .select({
            publicId: platformTokens.publicId,
            scopes: platformTokens.scopes,
            ownerServiceUserId: platformTokens.ownerServiceUserId,
            environmentIds: sql<string[]>`array(select pte.environment_id from platform_token_environments pte where pte.token_id = ${platformTokens.id} order by 1)`,
          })
          .from(platformTokens)
          .where(and(eq(platformTokens.accountId, ctx.accountId), inArray(platformTokens.publicId, publicIds)))
      : [];
    const byId = new Map(extra.map((e) => [e.publicId, e]));
    return ok({
      pageSize: query.size,
      pageNumber: query.page,
      total: total.count,
      results: page.rows.map((r) => {
        const more = byId.get(r.publicId);
        return {
          tokenId: r.tokenId,
          accountUuid: r.accountId,
          name: r.name,
          description: '',
          scope: more?.scopes ?? [],
          tags: [],
          resource: resourcesOf(r.accountId, r.appliesToAccount, more?.environmentIds ?? []),
          status: STATE_STATUS[r.state],
          creationDate: r.createdAt.toISOString(),
          expirationDate: r.expiresAt?.toISOString() ?? null,
          userUuid: more?.ownerServiceUserId ?? r.ownerUserId ?? '',
          metadata: { lastUsedAt: r.lastUsedAt?.toISOString() ?? null, lastClientIp: r.lastUsedIp },
        };
      }),
    });
  },
});

// Text PostgreSQL cannot store is refused naming its field, before any query sees it.
const createBody = z.object({
  name: storableString(tokenNameSchema),
  scope: z
    .array(z.string().max(MAX_ID_LENGTH).refine(isScopeName, { error: 'is not a scope of the catalogue (GET /api/openapi.json lists them)' }))
    .min(1, { error: 'choose at least one scope' })
    .max(100, { error: 'can name at most 100 scopes' }),
  resource: z
    .array(
      storableString(z.string().max(MAX_ID_LENGTH + ENVIRONMENT_URN.length))
        .refine((r) => r.startsWith(ACCOUNT_URN) || r.startsWith(ENVIRONMENT_URN), {
          error: `must be ${ACCOUNT_URN}<accountId> or ${ENVIRONMENT_URN}<environmentId>`,
        }),
    )
    .min(1, { error: `name the account (${ACCOUNT_URN}<accountId>) or at least one environment` })
    .max(100, { error: 'can name at most 100 environments' }),
  tags: z.array(z.string().max(255)).max(0, { error: 'are not kept by this portal; send an empty list' }).optional(),
  expirationDate: expirationDate.optional(),
  userUuid: storableString(z.string().max(MAX_ID_LENGTH)).optional(),
});

/** The create form's values for the request; what names another account is refused naming `resource`. */
function formValues(body: z.output<typeof createBody>, accountId: string, actorUserId: string): TokenFormValues {
  const accountWide = body.resource.findIndex((r) => r.startsWith(ACCOUNT_URN));
  if (accountWide >= 0) {
    if (body.resource[accountWide] !== `${ACCOUNT_URN}${accountId}`) {
      throw badRequest(`Invalid request body field 'resource.${accountWide}': names another account than ${accountId}.`);
    }
    if (body.resource.length > 1) {
      throw badRequest(`Invalid request body field 'resource': name either the whole account or environments, not both.`);
    }
  }
  const forSelf = body.userUuid === undefined || body.userUuid === actorUserId;
  const values = {
    name: body.name,
    expiration: body.expirationDate ? 'custom' : 'never',
    expiresAt: body.expirationDate ?? '',
    accountId,
    appliesToAccount: accountWide >= 0,
    environmentIds: accountWide >= 0 ? [] : body.resource.map((r) => r.slice(ENVIRONMENT_URN.length)),
    generateFor: forSelf ? 'myself' : 'service-user',
    serviceUserId: forSelf ? '' : (body.userUuid ?? ''),
    scopes: body.scope,
  };
  const parsed = tokenFormSchema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = FIELDS[String(issue?.path[0]) as keyof typeof FIELDS] ?? 'body';
    throw badRequest(`Invalid request body field '${field}': ${issue?.message ?? 'invalid value'}`);
  }
  return parsed.data;
}

export const createAccountPlatformToken = defineEndpoint({
  id: 'account-management.platform-tokens.create',
  service: 'account-management',
  level: 'account',
  method: 'POST',
  path: BASE,
  scopes: ['platform-token:tokens:manage'],
  summary: 'Generate a platform token',
  description:
    'For the calling token\'s owner, or (`userUuid`) a service user they may use. `resource` is `urn:dtaccount:<accountId>` for the whole account or `urn:dtenvironment:<id>` per environment; `expirationDate` null or absent means never. The secret is in this response only.',
  params: accountParams,
  body: createBody,
  requestBody: '{ name, scope[], resource[], tags[]?, expirationDate?, userUuid? }',
  exampleBody: { name: 'terraform', scope: ['document:documents:read'], resource: ['urn:dtenvironment:acme-prod'], expirationDate: '2030-01-01T00:00:00Z' },
  responses: { 201: { description: 'The token, with its secret; it is not shown again.', schema: secretSchema } },
  errors: [409],
  async handle({ body }, ctx) {
    const actor = await accountAdmin(ctx);
    const values = formValues(body, ctx.accountId, actor.userId);
    const generated = await generatePlatformToken(ctx.db, actor, values, ctx.now).catch((error: unknown) => {
      throw asRequestError(error, FIELDS);
    });
    return created({ name: generated.name, tokenId: generated.tokenId, token: generated.token });
  },
});

export const deleteAccountPlatformToken = defineEndpoint({
  id: 'account-management.platform-tokens.delete',
  service: 'account-management',
  level: 'account',
  method: 'DELETE',
  path: `${BASE}/{tokenId}`,
  scopes: ['platform-token:tokens:manage'],
  summary: 'Delete a platform token',
  params: tokenParams,
  responses: { 204: { description: 'Deleted; it stops working at once.' } },
  async handle({ params }, ctx) {
    const actor = await accountAdmin(ctx);
    await deleteToken(ctx.db, actor, await inAccount(ctx, params.tokenId));
    return noContent();
  },
});

export const setAccountPlatformTokenStatus = defineEndpoint({
  id: 'account-management.platform-tokens.set-status',
  service: 'account-management',
  level: 'account',
  method: 'PUT',
  path: `${BASE}/{tokenId}/status`,
  scopes: ['platform-token:tokens:manage'],
  summary: 'Enable or disable a platform token',
  params: tokenParams,
  body: z.object({ status: z.enum(['ACTIVE', 'INACTIVE'], { error: 'must be ACTIVE or INACTIVE' }) }),
  requestBody: '{ status: "ACTIVE" | "INACTIVE" }',
  exampleBody: { status: 'INACTIVE' },
  responses: { 204: { description: 'The token now has this status.' } },
  async handle({ params, body }, ctx) {
    const actor = await accountAdmin(ctx);
    const tokenId = await inAccount(ctx, params.tokenId);
    await (body.status === 'ACTIVE' ? enableToken : disableToken)(ctx.db, actor, tokenId);
    return noContent();
  },
});

export const setAccountPlatformTokenExpiration = defineEndpoint({
  id: 'account-management.platform-tokens.set-expiration-date',
  service: 'account-management',
  level: 'account',
  method: 'PUT',
  path: `${BASE}/{tokenId}/expiration-date`,
  scopes: ['platform-token:tokens:manage'],
  summary: "Change a platform token's expiration date",
  params: tokenParams,
  body: z.object({ expirationDate }),
  requestBody: '{ expirationDate: ISO 8601 date-time in the future, or null for never }',
  exampleBody: { expirationDate: '2030-01-01T00:00:00Z' },
  responses: { 204: { description: 'The token now expires then.' } },
  async handle({ params, body }, ctx) {
    const actor = await accountAdmin(ctx);
    const tokenId = await inAccount(ctx, params.tokenId);
    const expiration = body.expirationDate ? { choice: 'custom' as const, customIso: body.expirationDate } : { choice: 'never' as const, customIso: '' };
    await changeTokenExpiration(ctx.db, actor, tokenId, expiration, ctx.now).catch((error: unknown) => {
      throw asRequestError(error, FIELDS);
    });
    return noContent();
  },
});

export const rotateCallingToken = defineEndpoint({
  id: 'account-management.platform-tokens.self-rotate',
  service: 'account-management',
  level: 'account',
  method: 'POST',
  path: `${BASE}/self:rotate`,
  scopes: [],
  summary: 'Rotate the calling token',
  description:
    "The calling token is replaced by a new one with the same name, reach, owner and scopes, and the same lifetime from now (or the longest the account's maximum lifetime allows, when that is shorter); it keeps working for `expireOldAfterSeconds` (at most 7 days; 0 or absent: it stops at once). Needs no scope: the token acts on itself, as the person who generated it.",
  params: accountParams,
  body: z.object({
    expireOldAfterSeconds: z
      .int({ error: `must be a whole number of seconds from 0 to ${MAX_OVERLAP_MS / 1000}` })
      .min(0, { error: `must be a whole number of seconds from 0 to ${MAX_OVERLAP_MS / 1000}` })
      .max(MAX_OVERLAP_MS / 1000, { error: `must be a whole number of seconds from 0 to ${MAX_OVERLAP_MS / 1000}` })
      .optional(),
  }),
  requestBody: '{ expireOldAfterSeconds? }',
  exampleBody: { expireOldAfterSeconds: 0 },
  responses: { 201: { description: 'The new token, with its secret; it is not shown again.', schema: secretSchema } },
  errors: [409],
  async handle({ body }, ctx) {
    const actor = await tokenCreator(ctx);
    const [old] = await ctx.db
      .select({ name: platformTokens.name, createdAt: platformTokens.createdAt, expiresAt: platformTokens.expiresAt, maxLifetimeDays: accounts.maxTokenLifetimeDays })
      .from(platformTokens)
      .innerJoin(accounts, eq(accounts.id, platformTokens.accountId))
      .where(eq(platformTokens.id, ctx.token.id));
    if (!old) throw tokenNotFound(ctx.token.tokenId);
    const seconds = body.expireOldAfterSeconds ?? 0;
    // As the Rotate dialog proposes it; the rotation checks it again against the maximum then.
    const newExpiration = proposeNewExpiration(old, old.maxLifetimeDays, ctx.now);
    const rotated = await rotateToken(
      ctx.db,
      actor,
      {
        tokenId: ctx.token.tokenId,
        expireOld: seconds > 0 ? 'later' : 'immediately',
        oldExpiresAt: new Date(ctx.now.getTime() + seconds * 1000).toISOString(),
        name: old.name,
        ...newExpiration,
      },
      ctx.now,
    ).catch((error: unknown) => {
      throw asRequestError(error, { oldExpiresAt: 'expireOldAfterSeconds', expireOld: 'expireOldAfterSeconds' });
    });
    return created({ name: rotated.name, tokenId: rotated.tokenId, token: rotated.token });
  },
});

export const accountPlatformTokenEndpoints = [
  listAccountPlatformTokens,
  createAccountPlatformToken,
  deleteAccountPlatformToken,
  setAccountPlatformTokenStatus,
  setAccountPlatformTokenExpiration,
  rotateCallingToken,
];
