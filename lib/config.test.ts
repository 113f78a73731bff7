import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DOCUMENTED_VARIABLES, readConfig } from './config';

describe('configuration', () => {
  it('defaults to the embedded database in .data with demo data', () => {
    const c = readConfig({});
    expect(c.databaseKind).toBe('pglite');
    expect(c.dataDir.endsWith('.data')).toBe(true);
    expect(c.seedDemo).toBe(true);
    expect(c.cacheTtlMs).toBe(60_000);
    expect(c.lifecycleIntervalMs).toBe(300_000);
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

  it('reads PLATFORM_DOMAIN as a DNS name, and refuses a URL', () => {
    expect(readConfig({}).platformDomain).toBeNull();
    expect(readConfig({ PLATFORM_DOMAIN: 'Apps.Example.com.' }).platformDomain).toBe('apps.example.com');
    expect(() => readConfig({ PLATFORM_DOMAIN: 'https://apps.example.com:8443' })).toThrow(
      'PLATFORM_DOMAIN is invalid: must be a DNS name such as apps.example.com, without scheme or port',
    );
  });

  it('names a bad setting', () => {
    expect(() => readConfig({ SEED_DEMO: 'maybe' })).toThrow(/SEED_DEMO/);
    expect(() => readConfig({ TOKEN_CACHE_TTL_SECONDS: '900' })).toThrow(/TOKEN_CACHE_TTL_SECONDS/);
    expect(() => readConfig({ TOKEN_LIFECYCLE_INTERVAL_SECONDS: '5' })).toThrow(/TOKEN_LIFECYCLE_INTERVAL_SECONDS/);
    expect(() => readConfig({ AUTH_SECRET: 'short' })).toThrow('AUTH_SECRET is invalid: must be at least 32 characters long');
    expect(() => readConfig({ PORT: '70000' })).toThrow('PORT must be a port number from 1 to 65535 (got "70000").');
    expect(() => readConfig({ PORT: '80a' })).toThrow(/^PORT must be a port number/);
    expect(() => readConfig({ BIND_ADDRESS: '0.0.0.0/0' })).toThrow(/^BIND_ADDRESS must be an IP address/);
    expect(() => readConfig({ TRUST_PROXY: 'yes please' })).toThrow('TRUST_PROXY must be true or false (got "yes please").');
    expect(() => readConfig({ AUTH_URL: 'tokens.example.com' })).toThrow(/^AUTH_URL is not a valid URL/);
  });

  it('reads the server, sign-in and email settings', () => {
    expect(readConfig({})).toMatchObject({ port: 3000, bindAddress: '0.0.0.0', trustProxy: false, publicUrl: null, authSecret: null, smtp: null });
    const secret = 'x'.repeat(32);
    expect(
      readConfig({
        PORT: '8080',
        BIND_ADDRESS: '127.0.0.1',
        TRUST_PROXY: 'true',
        AUTH_URL: 'https://tokens.example.com',
        AUTH_SECRET: ` ${secret} `,
        SMTP_URL: 'smtps://u:p@mail.example.com:465',
      }),
    ).toMatchObject({
      port: 8080,
      bindAddress: '127.0.0.1',
      trustProxy: true,
      publicUrl: 'https://tokens.example.com',
      allowedOrigins: ['tokens.example.com'],
      authSecret: secret,
      smtp: { url: 'smtps://u:p@mail.example.com:465', from: 'no-reply@localhost' },
    });
    expect(readConfig({ NEXTAUTH_URL: 'https://old.example.com' }).publicUrl).toBe('https://old.example.com');
    expect(readConfig({ AUTH_SECRET: '' }).authSecret).toBeNull();
  });
});

describe('the documented configuration', () => {
  const ROOT = path.resolve(import.meta.dirname, '..');

  it('the README table lists exactly the variables this module reads', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'));
    const table = section.slice(0, section.indexOf('\n\n', section.indexOf('| variable |')));
    const listed = [...table.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1]);
    expect(listed).toEqual([...DOCUMENTED_VARIABLES]);
  });

  it('no other module reads them from the environment', () => {
    // The plain-JavaScript rules config.ts calls.
    const allowed = new Set(['lib/config.ts', 'lib/http/allowed-origins.mjs', 'lib/http/server-settings.mjs']);
    // Test tooling: DATABASE_URL names the server test databases are made on, and the runners
    // set variables for the servers they start.
    const testTooling = new Set([
      'lib/db/testing.ts: DATABASE_URL',
      'lib/db/testing.ts: DATABASE_LISTEN_URL',
      'scripts/test.mjs: DATABASE_URL',
      'scripts/e2e-server.mjs: DATABASE_URL',
      'scripts/e2e-server.mjs: AUTH_SECRET',
      'scripts/cluster-test.mjs: DATABASE_URL',
      'scripts/cluster-test.mjs: DATABASE_LISTEN_URL',
      'scripts/pgbouncer-test.mjs: DATABASE_URL',
      'scripts/pgbouncer-test.mjs: DATABASE_LISTEN_URL',
      'scripts/screenshots.mjs: DATABASE_URL',
    ]);
    const readers: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
        const rel = path.posix.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (!entry.name.startsWith('.') && entry.name !== 'node_modules') walk(rel);
        } else if (/\.(ts|tsx|mjs|mts)$/.test(entry.name) && !/\.(test|spec|bench)\.ts$/.test(entry.name) && !allowed.has(rel)) {
          const text = fs.readFileSync(path.join(ROOT, rel), 'utf8');
          for (const name of DOCUMENTED_VARIABLES) {
            if (new RegExp(`(process\\.env|\\benv)(\\.${name}\\b|\\[['"]${name}['"]\\])`).test(text)) readers.push(`${rel}: ${name}`);
          }
        }
      }
    };
    for (const dir of ['app', 'components', 'lib', 'scripts']) walk(dir);
    for (const file of ['auth.ts', 'auth.config.ts', 'proxy.ts', 'instrumentation.ts', 'next.config.mjs']) {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      for (const name of DOCUMENTED_VARIABLES) if (text.includes(`env.${name}`)) readers.push(`${file}: ${name}`);
    }
    expect(readers.filter((reader) => !testTooling.has(reader))).toEqual([]);
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
