import path from 'node:path';
import { z } from 'zod';
import { AllowedOriginsError, serverActionOrigins } from '@/lib/http/allowed-origins.mjs';

/** Raised for settings that cannot work; the message names the variable and what is wrong. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const boolish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z.object({
  DATABASE_URL: z.string().trim().optional(),
  DATABASE_LISTEN_URL: z.string().trim().optional(),
  DATABASE_PREPARED_STATEMENTS: boolish.optional(),
  DATA_DIR: z.string().trim().optional(),
  SEED_DEMO: boolish.optional(),
  AUTH_SECRET: z.string().optional(),
  NODE_ENV: z.string().optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).optional(),
  TOKEN_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).max(300).optional(),
});

export interface AppConfig {
  /** `postgres` when DATABASE_URL is set, otherwise the embedded PGlite database. */
  databaseKind: 'postgres' | 'pglite';
  databaseUrl: string | null;
  /** A direct connection for LISTEN when DATABASE_URL goes through a pooler; else DATABASE_URL. */
  databaseListenUrl: string | null;
  /** Named prepared statements (kept per server connection); off behind a pooler that cannot keep them. */
  preparedStatements: boolean;
  dataDir: string;
  seedDemo: boolean;
  production: boolean;
  poolMax: number;
  /** Hard bound on how stale a cached token or permission may be when a notification is lost. */
  cacheTtlMs: number;
  /** Hosts besides the request's own whose pages may call server actions (ALLOWED_ORIGINS, AUTH_URL). */
  allowedOrigins: string[];
}

function readAllowedOrigins(env: Record<string, string | undefined>): string[] {
  try {
    return serverActionOrigins(env);
  } catch (error) {
    if (error instanceof AllowedOriginsError) throw new ConfigError(error.message);
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
  return {
    databaseKind: databaseUrl ? 'postgres' : 'pglite',
    databaseUrl,
    databaseListenUrl: listenUrl ?? databaseUrl,
    // A separate listen URL means DATABASE_URL is a pooler in transaction mode, where a statement
    // prepared on one server connection is missing on the next (PgBouncer before 1.21).
    preparedStatements: e.DATABASE_PREPARED_STATEMENTS ?? !listenUrl,
    dataDir: path.resolve(/*turbopackIgnore: true*/ e.DATA_DIR || '.data'),
    seedDemo: e.SEED_DEMO ?? true,
    production: e.NODE_ENV === 'production',
    poolMax: e.DATABASE_POOL_MAX ?? 10,
    cacheTtlMs: (e.TOKEN_CACHE_TTL_SECONDS ?? 60) * 1000,
    allowedOrigins: readAllowedOrigins(env),
  };
}

let cached: AppConfig | undefined;

export function config(): AppConfig {
  cached ??= readConfig();
  return cached;
}
