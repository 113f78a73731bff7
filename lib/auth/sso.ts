// Single sign-on with OpenID Connect (PRODUCT.md §9).

/** next-auth's provider ID; also the last segment of the callback path /api/auth/callback/oidc. */
export const OIDC_PROVIDER_ID = 'oidc';
