// `npm run screenshots`: the README's pictures, taken from the real app so they stay current.
// Starts the production build (built first when the sources changed) on a free port with a fresh
// demo database, generates a few tokens the way a person does, and saves docs/screenshots/*.png.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'docs', 'screenshots');
const WIDTH = 1280;
const HEIGHT = 760;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(base, server) {
  const deadline = Date.now() + 15 * 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`The server stopped (exit code ${server.exitCode}).`);
    try {
      if ((await fetch(`${base}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error('The server did not answer within 15 minutes.');
}

const TOKENS = {
  alice: [
    { name: 'Nightly storage export', expiration: '90 days', scopes: ['storage:logs:read', 'storage:buckets:read'] },
    { name: 'Business events ingest', applyToAccount: true, expiration: '1 year', scopes: ['storage:bizevents:write'] },
    { name: 'Dashboard sync', expiration: '7 days', scopes: ['document:documents:read', 'document:documents:write'] },
    { name: 'CI deploy bot', serviceUser: 'ci-bot@service.example.com', expiration: '30 days', scopes: ['automation:workflows:run'] },
    { name: 'Globex state reader', account: 'Globex', expiration: 'Never', scopes: ['state:app-states:read'] },
  ],
  bob: [{ name: 'Notebook helper', expiration: '60 days', scopes: ['document:documents:read'] }],
};

async function signIn(page, base, user) {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('Email').fill(`${user}@example.com`);
  await page.getByLabel('Password').fill('demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'My platform tokens' }).waitFor();
}

async function generate(page, base, token) {
  await page.goto(`${base}/platform-tokens/new`);
  await page.getByRole('button', { name: 'Generate' }).and(page.locator(':enabled')).waitFor();
  await page.getByLabel('Token name').fill(token.name);
  if (token.account) await page.getByLabel('Account', { exact: true }).selectOption({ label: token.account });
  await page.getByLabel('Expiration date', { exact: true }).selectOption({ label: token.expiration });
  if (token.applyToAccount) await page.getByLabel('Apply to account').check();
  if (token.serviceUser) {
    await page.getByRole('radio', { name: 'Service user' }).check();
    await page.getByLabel('Owner').selectOption({ label: token.serviceUser });
  }
  for (const scope of token.scopes) await page.getByRole('checkbox', { name: scope, exact: true }).check();
  await page.getByRole('button', { name: 'Generate' }).click();
  await page.getByRole('button', { name: 'Finish and exit' }).click();
  await page.getByRole('heading', { name: 'My platform tokens' }).waitFor();
}

async function shoot(page, name) {
  await page.waitForLoadState('networkidle');
  // The Next.js dev indicator is absent from production builds; hide the mouse's hover states.
  await page.mouse.move(0, HEIGHT - 1);
  // Colour transitions (a button that just became available) finish before the picture.
  await page.evaluate(() => Promise.all(document.getAnimations().map((animation) => animation.finished)));
  await page.screenshot({ path: path.join(outDir, `${name}.png`) });
  console.log(`docs/screenshots/${name}.png`);
}

const port = Number(process.env.SCREENSHOTS_PORT) || (await freePort());
const base = `http://127.0.0.1:${port}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-tokens-screenshots-'));
const env = { ...process.env, PORT: String(port), BIND_ADDRESS: '127.0.0.1', DATA_DIR: dataDir, SEED_DEMO: 'true' };
delete env.DATABASE_URL;
const server = spawn(process.execPath, [path.join(root, 'scripts', 'start.mjs')], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });

let browser;
try {
  await waitForHealth(base, server);
  fs.mkdirSync(outDir, { recursive: true });
  const executablePath = process.env.PLAYWRIGHT_CHROMIUM_PATH || (fs.existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
  const context = () =>
    browser.newContext({ viewport: { width: WIDTH, height: HEIGHT }, timezoneId: 'UTC', locale: 'en-US', colorScheme: 'light' });

  for (const [user, tokens] of Object.entries(TOKENS)) {
    const page = await (await context()).newPage();
    await signIn(page, base, user);
    for (const token of tokens) await generate(page, base, token);
    if (user === 'alice') {
      await page.goto(`${base}/platform-tokens`);
      await shoot(page, 'token-list');
      await page.goto(`${base}/platform-tokens/new`);
      await page.getByLabel('Token name').fill('Weekly report export');
      await page.getByRole('checkbox', { name: 'storage:logs:read', exact: true }).check();
      await page.getByRole('checkbox', { name: 'storage:buckets:read', exact: true }).check();
      // The top of the form, with "2 scopes selected" and Generate in the bar below.
      await page.evaluate(() => window.scrollTo(0, 0));
      await shoot(page, 'create-form');
    }
    await page.context().close();
  }

  const admin = await (await context()).newPage();
  await signIn(admin, base, 'admin');
  await admin.goto(`${base}/accounts/acme/iam/platform-tokens`);
  await admin.getByRole('checkbox', { name: 'Select Dashboard sync' }).check();
  await shoot(admin, 'admin-list');
} finally {
  await browser?.close();
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  fs.rmSync(dataDir, { recursive: true, force: true });
}
