// A second portal for the people-and-accounts specs: a production server on an empty database
// (SEED_DEMO=false), with single sign-on against a real OpenID provider (the certified
// oidc-provider package) and email through an SMTP server, both started here on free loopback
// ports. PostgreSQL (a fresh database) when E2E_DATABASE_URL or DATABASE_URL is set, else PGlite.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Provider from 'oidc-provider';
import pg from 'pg';
import { startSmtpServer } from '../../lib/testing/smtp';

export const SSO_NAME = 'Example ID';

export interface EmptyPortal {
  url: string;
  /** The setup code the server printed at start. */
  setupCode: string;
  /** Everything the server printed so far. */
  log: () => string;
  smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  stop: () => Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The provider's people: whatever login is typed on its sign-in form is the subject and the email;
 * a login starting with "unverified" has an email the provider has not verified.
 */
async function startOpenIdProvider(port: number, portalUrl: string): Promise<http.Server> {
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'portal',
        client_secret: 'portal-client-secret',
        redirect_uris: [`${portalUrl}/api/auth/callback/oidc`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    findAccount: async (_ctx, sub) => ({
      accountId: sub,
      claims: async () => ({ sub, email: sub, email_verified: !sub.startsWith('unverified'), name: `SSO ${sub.split('@')[0]}` }),
    }),
    pkce: { required: () => true },
    cookies: { keys: ['e2e-only-oidc-cookie-key'] },
  });
  const server = http.createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

async function freshDatabase(): Promise<{ url: string | null; drop: () => Promise<void> }> {
  const serverUrl = process.env.E2E_DATABASE_URL || process.env.DATABASE_URL;
  if (!serverUrl) return { url: null, drop: async () => {} };
  const name = `e2e_people_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

async function waitForHealth(url: string, child: ChildProcess, limitMs: number): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < limitMs) {
    if (child.exitCode !== null) throw new Error(`the portal exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/api/health`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the portal did not become ready');
}

export async function startEmptyPortal(options: { passwordSignIn?: boolean } = {}): Promise<EmptyPortal> {
  const root = path.resolve(__dirname, '..', '..');
  const [portalPort, oidcPort] = [await freePort(), await freePort()];
  // localhost rather than 127.0.0.1: Next.js presents every loopback address to the app as
  // localhost, so next-auth's callback would otherwise see another redirect_uri than the one the
  // sign-in sent, and the provider would rightly refuse the code.
  const url = `http://localhost:${portalPort}`;
  const oidc = await startOpenIdProvider(oidcPort, url);
  const smtp = await startSmtpServer();
  const database = await freshDatabase();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-tokens-people-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(portalPort),
    BIND_ADDRESS: '127.0.0.1',
    DATA_DIR: dataDir,
    SEED_DEMO: 'false',
    TRUST_PROXY: 'true',
    AUTH_URL: url,
    AUTH_SECRET: 'e2e-only-secret-people-0123456789abcdefghij',
    OIDC_ISSUER: `http://127.0.0.1:${oidcPort}`,
    OIDC_CLIENT_ID: 'portal',
    OIDC_CLIENT_SECRET: 'portal-client-secret',
    OIDC_NAME: SSO_NAME,
    PASSWORD_SIGN_IN: options.passwordSignIn === false ? 'false' : 'true',
    SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    SMTP_FROM: 'portal@e2e.example',
  };
  delete env.DATABASE_URL;
  if (database.url) env.DATABASE_URL = database.url;
  // The build of the main e2e server (playwright.config.ts) is reused: same sources, same dist.
  const child = spawn(process.execPath, [path.join(root, 'scripts', 'server.mjs')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await new Promise((resolve) => oidc.close(resolve));
    oidc.closeAllConnections();
    await smtp.close();
    await database.drop().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForHealth(url, child, 120_000);
    const started = Date.now();
    let match: RegExpExecArray | null = null;
    while (!(match = /setup code ([0-9A-Z]{5}(?:-[0-9A-Z]{5}){3})/.exec(output)) && Date.now() - started < 30_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (!match) throw new Error(`no setup code in the server log:\n${output}`);
    return { url, setupCode: match[1]!, log: () => output, smtp, stop };
  } catch (error) {
    await stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${output}`);
  }
}

/** Signs in on the OpenID provider's own form (any login; the login is the email), consenting if asked. */
export async function signInAtProvider(page: import('@playwright/test').Page, portalUrl: string, login: string): Promise<void> {
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  const consent = page.getByRole('button', { name: 'Continue' });
  const back = page.waitForURL((u) => u.toString().startsWith(portalUrl), { timeout: 30_000 });
  const asked = consent.waitFor({ timeout: 30_000 }).then(
    () => true,
    () => false,
  );
  if (await Promise.race([back.then(() => false), asked])) await consent.click();
  await back;
}
