// The server the end-to-end suite drives: a production build on a fresh database, removed on exit.
// PGlite in a temporary DATA_DIR by default; E2E_DATABASE_URL runs it on a fresh PostgreSQL database instead.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// E2E_KEEP_DIR keeps the database and the server log after the run, for the secret scan of npm test:
// in server-<E2E_SERVER_INDEX>, one directory per server of the run (playwright.config.ts).
const index = Number(process.env.E2E_SERVER_INDEX ?? 0);
const keepDir = process.env.E2E_KEEP_DIR && path.join(process.env.E2E_KEEP_DIR, `server-${index}`);
const dataDir = keepDir || fs.mkdtempSync(path.join(os.tmpdir(), 'platform-tokens-e2e-'));
fs.mkdirSync(dataDir, { recursive: true });
const log = fs.createWriteStream(path.join(keepDir || os.tmpdir(), keepDir ? 'server.log' : `platform-tokens-e2e-${process.pid}.log`));
const env = { ...process.env, DATA_DIR: dataDir, SEED_DEMO: 'true' };
delete env.DATABASE_URL;

let dropDatabase = async () => {};
if (process.env.E2E_DATABASE_URL) {
  const serverUrl = process.env.E2E_DATABASE_URL;
  const name = `e2e_${Date.now().toString(36)}_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  env.DATABASE_URL = url.toString();
  env.AUTH_SECRET ??= 'e2e-only-secret-0123456789abcdefghijklmnop';
  dropDatabase = async () => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  };
}

const server = spawn(process.execPath, [path.join(root, 'scripts', 'start.mjs')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
for (const [from, to] of [[server.stdout, process.stdout], [server.stderr, process.stderr]]) {
  from.on('data', (chunk) => {
    to.write(chunk);
    log.write(chunk);
  });
}

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  server.kill(signal);
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void stop(signal));
server.on('exit', async (code) => {
  log.end();
  if (!keepDir) fs.rmSync(dataDir, { recursive: true, force: true });
  await dropDatabase().catch(() => undefined);
  process.exit(code ?? 0);
});
