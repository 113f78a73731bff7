import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, config } from '@/lib/config';

let cached: string | undefined;

/**
 * The key that signs session cookies. AUTH_SECRET wins; with the embedded database a key is
 * made once and kept in DATA_DIR, so sessions survive restarts. A production server on
 * PostgreSQL (several instances share it) must be given AUTH_SECRET.
 */
export function authSecret(): string {
  if (cached) return cached;
  const settings = config();
  if (settings.authSecret) return (cached = settings.authSecret);
  if (settings.databaseKind === 'postgres' && settings.production) {
    throw new ConfigError(
      'AUTH_SECRET is required when DATABASE_URL is set in production. Generate one with: openssl rand -base64 32',
    );
  }
  const file = path.join(settings.dataDir, 'auth-secret');
  fs.mkdirSync(settings.dataDir, { recursive: true });
  try {
    fs.writeFileSync(file, randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return (cached = fs.readFileSync(file, 'utf8').trim());
}
