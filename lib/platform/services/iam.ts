import { defineEndpoint, ok } from '../endpoint';

// What the calling token can do here: its scopes, intersected with what its owner's policies
// grant in this environment (PRODUCT.md §3.3). A permission the policies grant only on conditions
// (e.g. for some document types) is listed with `conditional: true`.

export const getEffectivePermissions = defineEndpoint({
  id: 'iam.effective-permissions.get',
  async handle(_input, ctx) {
    const { granted, conditionallyGranted } = ctx.ownerPermissions();
    const scopes = [...ctx.token.scopes].sort();
    const permissions = scopes
      .filter((scope) => granted.has(scope) || conditionallyGranted.has(scope))
      .map((name) => ({ name, conditional: !granted.has(name) }));
    return ok({
      environmentId: ctx.environmentId,
      tokenId: ctx.token.tokenId,
      owner: ctx.owner.kind === 'user' ? { type: 'user', id: ctx.owner.userId } : { type: 'service-user', id: ctx.owner.serviceUserId },
      scopes,
      permissions,
    });
  },
});

export const iamEndpoints = [getEffectivePermissions];
