export declare class AllowedOriginsError extends Error {}

/**
 * The hosts, besides the request's own (Host or X-Forwarded-Host), whose pages may call server
 * actions: the entries of ALLOWED_ORIGINS and the host of AUTH_URL. None by default.
 */
export declare function serverActionOrigins(env: Record<string, string | undefined>): string[];
