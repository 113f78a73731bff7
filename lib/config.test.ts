import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from './config';

describe('configuration', () => {
  it('defaults to the embedded database in .data with demo data', () => {
    const c = readConfig({});
    expect(c.databaseKind).toBe('pglite');
    expect(c.dataDir.endsWith('.data')).toBe(true);
    expect(c.seedDemo).toBe(true);
    expect(c.cacheTtlMs).toBe(60_000);
  });

  it('uses PostgreSQL when DATABASE_URL is set', () => {
    const c = readConfig({ DATABASE_URL: 'postgres://u:p@db.internal:5432/tokens', SEED_DEMO: 'false' });
    expect(c.databaseKind).toBe('postgres');
    expect(c.seedDemo).toBe(false);
  });

  it.each([
    ['not a url', /DATABASE_URL is not a valid URL/],
    ['mysql://u@h/db', /DATABASE_URL must start with postgres:\/\//],
    ['postgres://', /DATABASE_URL/],
  ])('explains a malformed DATABASE_URL: %s', (value, message) => {
    expect(() => readConfig({ DATABASE_URL: value })).toThrow(ConfigError);
    expect(() => readConfig({ DATABASE_URL: value })).toThrow(message);
  });

  it('names a bad setting', () => {
    expect(() => readConfig({ SEED_DEMO: 'maybe' })).toThrow(/SEED_DEMO/);
    expect(() => readConfig({ TOKEN_CACHE_TTL_SECONDS: '900' })).toThrow(/TOKEN_CACHE_TTL_SECONDS/);
  });
});
