import { and, asc, eq, gt, inArray, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { environments } from '@/lib/db/schema';
import { defineEndpoint, ok } from '../endpoint';
import { notFound } from '../errors';
import { pageKey, pageQuery, readPageKey } from './pagination';
import { queryParameters } from '../query-parameters';

// Platform management: the environments the calling token reaches — every environment of its
// account when it applies to the account, otherwise the ones it was generated for.

const position = z.tuple([z.string().min(1)]);

export const listEnvironments = defineEndpoint({
  id: 'platform-management.environments.list',
  service: 'platform-management',
  method: 'GET',
  path: '/platform-management/v1/environments',
  scopes: ['platform-management:environments:read'],
  summary: 'List the environments the token reaches',
  query: queryParameters(pageQuery),
  responses: {
    200: {
      description: 'A page of the environments the token reaches.',
      schema: z.object({
        environments: z.array(z.object({ id: z.string(), name: z.string(), accountId: z.string() })),
        nextPageKey: z.string().nullable(),
      }),
    },
  },
  async handle({ query }, ctx) {
    const after = readPageKey(query, position);
    const conditions: (SQL | undefined)[] = [eq(environments.accountId, ctx.accountId)];
    if (!ctx.token.appliesToAccount) conditions.push(inArray(environments.id, [...ctx.token.environmentIds]));
    if (after) conditions.push(gt(environments.id, after[0]));
    const rows = await ctx.db
      .select({ id: environments.id, name: environments.name })
      .from(environments)
      .where(and(...conditions))
      .orderBy(asc(environments.id))
      .limit(query.limit + 1);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return ok({
      environments: page.map((e) => ({ id: e.id, name: e.name, accountId: ctx.accountId })),
      nextPageKey: rows.length > query.limit && last ? pageKey([last.id]) : null,
    });
  },
});

// The original platform's /platform/management/v1/environment, as
// @dynatrace-sdk/client-platform-management-service's getEnvironmentInformation reads it: the
// environment the call is made in. Its service is this one; the original names its path
// `management`.
export const getEnvironmentInformation = defineEndpoint({
  id: 'platform-management.environment.get',
  service: 'platform-management',
  method: 'GET',
  path: '/management/v1/environment',
  scopes: ['platform-management:environments:read'],
  summary: 'Get the environment of the call',
  responses: {
    200: {
      description: 'The environment this call is made in.',
      schema: z.object({
        environmentId: z.string(),
        createTime: z.iso.datetime(),
        type: z.literal('CUSTOMER'),
        state: z.literal('ACTIVE'),
      }),
    },
  },
  async handle(_input, ctx) {
    const [row] = await ctx.db
      .select({ id: environments.id, createdAt: environments.createdAt })
      .from(environments)
      .where(and(eq(environments.id, ctx.environmentId), eq(environments.accountId, ctx.accountId)));
    // Verification found the environment in the token's account; it was deleted since.
    if (!row) throw notFound(`No environment '${ctx.environmentId}'.`);
    return ok({ environmentId: row.id, createTime: row.createdAt.toISOString(), type: 'CUSTOMER' as const, state: 'ACTIVE' as const });
  },
});

export const platformManagementEndpoints = [listEnvironments, getEnvironmentInformation];
