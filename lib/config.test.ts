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

  it('listens on DATABASE_URL unless DATABASE_LISTEN_URL names a direct connection, and then sends statements unnamed', () => {
    const direct = readConfig({ DATABASE_URL: 'postgres://u:p@db.internal:5432/tokens' });
    expect(direct.databaseListenUrl).toBe('postgres://u:p@db.internal:5432/tokens');
    expect(direct.preparedStatements).toBe(true);
    const pooled = readConfig({ DATABASE_URL: 'postgres://u:p@pooler:6432/tokens', DATABASE_LISTEN_URL: 'postgres://u:p@db.internal:5432/tokens' });
    expect(pooled.databaseUrl).toBe('postgres://u:p@pooler:6432/tokens');
    expect(pooled.databaseListenUrl).toBe('postgres://u:p@db.internal:5432/tokens');
    expect(pooled.preparedStatements).toBe(false);
    const newerPooler = readConfig({
      DATABASE_URL: 'postgres://u:p@pooler:6432/tokens',
      DATABASE_LISTEN_URL: 'postgres://u:p@db.internal:5432/tokens',
      DATABASE_PREPARED_STATEMENTS: 'true',
    });
    expect(newerPooler.preparedStatements).toBe(true);
    expect(readConfig({}).databaseListenUrl).toBeNull();
  });

  it('explains a DATABASE_LISTEN_URL that cannot work', () => {
    expect(() => readConfig({ DATABASE_URL: 'postgres://u@h/db', DATABASE_LISTEN_URL: 'mysql://u@h/db' })).toThrow(
      /DATABASE_LISTEN_URL must start with postgres:\/\//,
    );
    expect(() => readConfig({ DATABASE_LISTEN_URL: 'postgres://u@h/db' })).toThrow(/DATABASE_LISTEN_URL is set but DATABASE_URL is not/);
    expect(() => readConfig({ DATABASE_URL: 'postgres://u@h/db', DATABASE_PREPARED_STATEMENTS: 'sometimes' })).toThrow(
      /DATABASE_PREPARED_STATEMENTS/,
    );
  });

  it('names a bad setting', () => {
    expect(() => readConfig({ SEED_DEMO: 'maybe' })).toThrow(/SEED_DEMO/);
    expect(() => readConfig({ TOKEN_CACHE_TTL_SECONDS: '900' })).toThrow(/TOKEN_CACHE_TTL_SECONDS/);
  });

  it('reads single sign-on and refuses half of it, naming what is missing', () => {
    expect(readConfig({}).oidc).toBeNull();
    expect(readConfig({}).passwordSignIn).toBe(true);
    const c = readConfig({ OIDC_ISSUER: 'https://login.example.com/', OIDC_CLIENT_ID: 'portal', OIDC_CLIENT_SECRET: 's3cret', OIDC_NAME: 'Example ID', PASSWORD_SIGN_IN: 'false' });
    expect(c.oidc).toEqual({ issuer: 'https://login.example.com/', clientId: 'portal', clientSecret: 's3cret', name: 'Example ID' });
    expect(c.passwordSignIn).toBe(false);
    expect(() => readConfig({ OIDC_ISSUER: 'https://login.example.com' })).toThrow('OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are not set');
    expect(() => readConfig({ OIDC_ISSUER: 'login', OIDC_CLIENT_ID: 'a', OIDC_CLIENT_SECRET: 'b' })).toThrow(/OIDC_ISSUER is not a valid URL/);
    expect(() => readConfig({ PASSWORD_SIGN_IN: 'false' })).toThrow(/PASSWORD_SIGN_IN=false needs single sign-on/);
  });

  it('keeps the public address of AUTH_URL without a trailing slash', () => {
    expect(readConfig({ AUTH_URL: 'https://tokens.example.com/' }).publicUrl).toBe('https://tokens.example.com');
    expect(readConfig({}).publicUrl).toBeNull();
    expect(() => readConfig({ AUTH_URL: 'tokens.example.com' })).toThrow(/AUTH_URL is not a valid URL/);
  });
});
