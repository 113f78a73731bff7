import path from 'node:path';
import { z } from 'zod';
import { AllowedOriginsError, serverActionOrigins } from '@/lib/http/allowed-origins.mjs';
import { ServerSettingsError, serverSettings } from '@/lib/http/server-settings.mjs';

// Every setting the README's configuration table documents is read here and nowhere else (the
// rules of the ones plain-JavaScript scripts need before anything is compiled live in
// lib/http/*.mjs, which this module calls too).

/** Raised for settings that cannot work; the message names the variable and what is wrong. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const boolish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const optionalText = z.string().trim().optional();

/** The documented variables, in the README's order. */
const documented = {
  DATABASE_URL: optionalText,
  DATA_DIR: optionalText,
  AUTH_SECRET: z
    .string()
    .trim()
    .refine((v) => v === '' || v.length >= 32, { error: 'must be at least 32 characters long' })
    .optional(),
  SEED_DEMO: boolish.optional(),
  PORT: optionalText,
  AUTH_URL: optionalText,
  ALLOWED_ORIGINS: optionalText,
  TRUST_PROXY: optionalText,
  BIND_ADDRESS: optionalText,
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).optional(),
  DATABASE_LISTEN_URL: optionalText,
  DATABASE_PREPARED_STATEMENTS: boolish.optional(),
  TOKEN_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).max(300).optional(),
  TOKEN_LIFECYCLE_INTERVAL_SECONDS: z.coerce.number().int().min(10).max(86_400).optional(),
  // A DNS name under which <envId>.<domain> names an environment (lib/platform/addressing.mjs).
  PLATFORM_DOMAIN: z
    .string()
    .trim()
    .regex(/^$|^(?=.{1,253}\.?$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/, {
      error: 'must be a DNS name such as apps.example.com, without scheme or port',
    })
    .optional(),
  SMTP_URL: optionalText,
  SMTP_FROM: optionalText,
  OIDC_ISSUER: optionalText,
  OIDC_CLIENT_ID: optionalText,
  OIDC_CLIENT_SECRET: optionalText,
  OIDC_NAME: z.string().trim().max(60, { error: 'must be at most 60 characters' }).optional(),
  PASSWORD_SIGN_IN: boolish.optional(),
};

/** The environment variables the README's configuration table lists. */
export const DOCUMENTED_VARIABLES = Object.keys(documented) as (keyof typeof documented)[];

const envSchema = z.object({
  ...documented,
  // next-auth's older name for AUTH_URL, which it still reads.
  NEXTAUTH_URL: optionalText,
  NODE_ENV: z.string().optional(),
});
const READ_VARIABLES = Object.keys(envSchema.shape);

export interface SmtpSettings {
  /** smtp:// or smtps:// with credentials; checked when a delivery is attempted. */
  url: string;
  from: string;
}

/** Single sign-on with an OpenID Connect provider (authorization code flow with PKCE). */
export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Shown on the button: "Sign in with <name>". */
  name: string;
}

export interface AppConfig {
  /** `postgres` when DATABASE_URL is set, otherwise the embedded PGlite database. */
  databaseKind: 'postgres' | 'pglite';
  databaseUrl: string | null;
  /** A direct connection for LISTEN when DATABASE_URL goes through a pooler; else DATABASE_URL. */
  databaseListenUrl: string | null;
  /** Named prepared statements (kept per server connection); off behind a pooler that cannot keep them. */
  preparedStatements: boolean;
  dataDir: string;
  /** AUTH_SECRET, or null when the embedded mode may generate one. */
  authSecret: string | null;
  seedDemo: boolean;
  production: boolean;
  poolMax: number;
  /** Hard bound on how stale a cached token or permission may be when a notification is lost. */
  cacheTtlMs: number;
  /** How often each instance runs the token lifecycle job (expiry reminders, unused tokens). */
  lifecycleIntervalMs: number;
  /** PLATFORM_DOMAIN: environments are also served at <envId>.<domain>/platform/...; null when unset. */
  platformDomain: string | null;
  /** The portal's public URL (AUTH_URL, else NEXTAUTH_URL), or null to take it from the request. */
  publicUrl: string | null;
  /** Hosts besides the request's own whose pages may call server actions (ALLOWED_ORIGINS, AUTH_URL). */
  allowedOrigins: string[];
  port: number;
  bindAddress: string;
  /** Whether X-Forwarded-For and X-Forwarded-Proto come from a trusted reverse proxy. */
  trustProxy: boolean;
  /** Delivery of the email service's messages, or null to keep them in the outbox only. */
  smtp: SmtpSettings | null;
  /** False (PASSWORD_SIGN_IN=false) leaves only single sign-on. */
  passwordSignIn: boolean;
  oidc: OidcConfig | null;
}

function readPublicUrl(raw: string | undefined): string | null {
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('AUTH_URL is not a valid URL. Expected the public address, e.g. https://tokens.example.com');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError('AUTH_URL must start with https:// or http://.');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function readOidc(e: z.output<typeof envSchema>): OidcConfig | null {
  const given = [e.OIDC_ISSUER, e.OIDC_CLIENT_ID, e.OIDC_CLIENT_SECRET].filter(Boolean).length;
  if (given === 0) return null;
  if (given < 3) {
    const missing = (['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const).filter((name) => !e[name]);
    throw new ConfigError(`Single sign-on needs OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET; ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set.`);
  }
  let issuer: URL;
  try {
    issuer = new URL(e.OIDC_ISSUER!);
  } catch {
    throw new ConfigError('OIDC_ISSUER is not a valid URL. Expected the issuer of the provider, e.g. https://login.example.com/realms/main');
  }
  if (issuer.protocol !== 'https:' && issuer.protocol !== 'http:') throw new ConfigError('OIDC_ISSUER must start with https://.');
  return { issuer: e.OIDC_ISSUER!, clientId: e.OIDC_CLIENT_ID!, clientSecret: e.OIDC_CLIENT_SECRET!, name: e.OIDC_NAME || 'single sign-on' };
}

function fromScriptRules<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof AllowedOriginsError || error instanceof ServerSettingsError) throw new ConfigError(error.message);
    throw error;
  }
}

function validateDatabaseUrl(raw: string, name = 'DATABASE_URL'): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      `${name} is not a valid URL. Expected postgres://user:password@host:5432/database`,
    );
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(
      `${name} must start with postgres:// or postgresql:// (got "${url.protocol}//").`,
    );
  }
  if (!url.hostname && !url.searchParams.get('host')) {
    throw new ConfigError(`${name} has no host. Expected postgres://user:password@host:5432/database`);
  }
  return raw;
}

export function readConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    throw new ConfigError(`${name} is invalid: ${issue?.message ?? 'unexpected value'}`);
  }
  const e = parsed.data;
  const databaseUrl = e.DATABASE_URL ? validateDatabaseUrl(e.DATABASE_URL) : null;
  const listenUrl = e.DATABASE_LISTEN_URL ? validateDatabaseUrl(e.DATABASE_LISTEN_URL, 'DATABASE_LISTEN_URL') : null;
  if (listenUrl && !databaseUrl) throw new ConfigError('DATABASE_LISTEN_URL is set but DATABASE_URL is not; set both or neither.');
  const server = fromScriptRules(() => serverSettings(env));
  const config: AppConfig = {
    databaseKind: databaseUrl ? 'postgres' : 'pglite',
    databaseUrl,
    databaseListenUrl: listenUrl ?? databaseUrl,
    // A separate listen URL means DATABASE_URL is a pooler in transaction mode, where a statement
    // prepared on one server connection is missing on the next (PgBouncer before 1.21).
    preparedStatements: e.DATABASE_PREPARED_STATEMENTS ?? !listenUrl,
    dataDir: path.resolve(/*turbopackIgnore: true*/ e.DATA_DIR || '.data'),
    authSecret: e.AUTH_SECRET || null,
    seedDemo: e.SEED_DEMO ?? true,
    production: e.NODE_ENV === 'production',
    poolMax: e.DATABASE_POOL_MAX ?? 10,
    cacheTtlMs: (e.TOKEN_CACHE_TTL_SECONDS ?? 60) * 1000,
    lifecycleIntervalMs: (e.TOKEN_LIFECYCLE_INTERVAL_SECONDS ?? 300) * 1000,
    platformDomain: e.PLATFORM_DOMAIN ? e.PLATFORM_DOMAIN.toLowerCase().replace(/\.$/, '') : null,
    publicUrl: readPublicUrl(e.AUTH_URL || e.NEXTAUTH_URL),
    allowedOrigins: fromScriptRules(() => serverActionOrigins(env)),
    port: server.port,
    bindAddress: server.bindAddress,
    trustProxy: server.trustProxy,
    smtp: e.SMTP_URL ? { url: e.SMTP_URL, from: e.SMTP_FROM || 'no-reply@localhost' } : null,
    passwordSignIn: e.PASSWORD_SIGN_IN ?? true,
    oidc: readOidc(e),
  };
  if (!config.passwordSignIn && !config.oidc) {
    throw new ConfigError('PASSWORD_SIGN_IN=false needs single sign-on: set OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET.');
  }
  return config;
}

let cached: { key: string; value: AppConfig } | undefined;

/**
 * The process's configuration. Read again only when one of its variables changed (a test that
 * sets one), which costs a comparison of a few strings per call.
 */
export function config(): AppConfig {
  const key = READ_VARIABLES.map((name) => process.env[name] ?? '\u0000').join('\u0001');
  if (cached?.key !== key) cached = { key, value: readConfig() };
  return cached.value;
}
