import { z } from 'zod';
import { defineEndpoint, ok } from '../endpoint';

// What the calling token can do here: its scopes, intersected with what its owner's policies
// grant in this environment (PRODUCT.md §3.3). A permission the policies grant only on conditions
// (e.g. for some document types) is listed with `conditional: true`.

export const getEffectivePermissions = defineEndpoint({
  id: 'iam.effective-permissions.get',
  service: 'iam',
  method: 'GET',
  path: '/iam/v1/effective-permissions',
  scopes: ['iam:effective-permissions:read'],
  summary: 'What the calling token can do here',
  responses: {
    200: {
      description: "The token's scopes, and which of them its owner's policies grant here.",
      schema: z.object({
        environmentId: z.string(),
        tokenId: z.string(),
        owner: z.object({ type: z.enum(['user', 'service-user']), id: z.uuid() }),
        scopes: z.array(z.string()),
        permissions: z.array(z.object({ name: z.string(), conditional: z.boolean() })),
      }),
    },
  },
  handle(_input, ctx) {
    const { granted, conditionallyGranted } = ctx.ownerPermissions();
    const scopes = [...ctx.token.scopes].sort();
    const permissions = scopes
      .filter((scope) => granted.has(scope) || conditionallyGranted.has(scope))
      .map((name) => ({ name, conditional: !granted.has(name) }));
    return ok({
      environmentId: ctx.environmentId,
      tokenId: ctx.token.tokenId,
      owner: ctx.owner.kind === 'user' ? { type: 'user' as const, id: ctx.owner.userId } : { type: 'service-user' as const, id: ctx.owner.serviceUserId },
      scopes,
      permissions,
    });
  },
});

export const iamEndpoints = [getEffectivePermissions];
