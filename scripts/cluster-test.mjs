// The portal as it runs in production with several instances: three `scripts/server.mjs`
// processes of one build on a fresh database of DATABASE_URL's server, nginx in front
// (deploy/nginx.conf.template, round-robin), and with `--pgbouncer` PgBouncer in transaction
// mode between them and PostgreSQL (deploy/pgbouncer.ini.template, LISTEN direct through
// DATABASE_LISTEN_URL). Under a bounded load through nginx it shows that:
// - signing in and server actions work whichever instance answers;
// - a token disabled through one instance is refused by every instance within 1 s at p99;
// - stopping one instance loses no acknowledged write, and the others keep answering.
// Only 127.0.0.1 is contacted. Prints the figures and ends with "cluster: N passed, N failed".
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort, startNginx, startPgBouncer } from './cluster-services.mjs';
import { serverNodeOptions } from '../lib/http/server-settings.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const throughPgBouncer = process.argv.includes('--pgbouncer');
/** `--report=FILE`: the counts of checks passed and failed, as JSON, for npm test's summary. */
const reportFile = process.argv.find((a) => a.startsWith('--report='))?.slice('--report='.length);
const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  console.error('cluster test: DATABASE_URL (a PostgreSQL server the test may create a database on) is not set');
  process.exit(2);
}

const INSTANCES = 3;
const PROPAGATION_SAMPLES = 30;
const PROPAGATION_BOUND_MS = 1_000;
const LOAD_WORKERS = 4;
/**
 * Bounds on the load: each worker sends at most one request per LOAD_INTERVAL_MS (100 a second
 * in all) and at most MAX_REQUESTS_PER_WORKER, and the load ends after MAX_LOAD_MS at the latest;
 * it normally ends AFTER_STOP_MS after one instance was stopped.
 */
const LOAD_INTERVAL_MS = 40;
const MAX_LOAD_MS = 300_000;
const MAX_REQUESTS_PER_WORKER = MAX_LOAD_MS / LOAD_INTERVAL_MS;
const AFTER_STOP_MS = 6_000;
const TIMEOUT_MS = 420_000;
const ENV = 'globex-prod';
const APP = 'cluster.test';
const EMAIL = 'alice@example.com';
const PASSWORD = 'demo-password';

const checks = [];
function check(name, ok, detail = '') {
  checks.push({ name, ok });
  console.log(`${ok ? '  ok  ' : '  FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

// ---- Services ---------------------------------------------------------------------------------

const cleanups = [];
async function cleanup() {
  while (cleanups.length > 0) await cleanups.pop()().catch((error) => console.error(`cleanup: ${error.message}`));
}
const watchdog = setTimeout(async () => {
  console.error(`cluster test: not done within ${TIMEOUT_MS / 1000} s`);
  await cleanup();
  process.exit(1);
}, TIMEOUT_MS);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void cleanup().then(() => process.exit(1)));

async function createDatabase() {
  const name = `cluster_${Date.now().toString(36)}_${crypto.randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  cleanups.push(async () => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

function startInstance(index, port, env, logDir) {
  const log = fs.createWriteStream(path.join(logDir, `instance-${index}.log`));
  const child = spawn(process.execPath, [path.join(root, 'scripts', 'server.mjs')], {
    cwd: root,
    // As scripts/start.mjs runs it.
    env: { ...env, PORT: String(port), NODE_OPTIONS: serverNodeOptions(env.NODE_OPTIONS) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const instance = {
    index,
    port,
    base: `http://127.0.0.1:${port}`,
    child,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  cleanups.push(() => instance.stop());
  return instance;
}

async function waitHealthy(instance) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (instance.child.exitCode !== null) throw new Error(`instance ${instance.index} exited (${instance.child.exitCode})`);
    const res = await fetch(`${instance.base}/api/health`).catch(() => null);
    if (res?.ok) return;
    await sleep(200);
  }
  throw new Error(`instance ${instance.index} not healthy within 60 s`);
}

/** The action IDs of the build, by file and export name. */
function actionIds() {
  const dist = path.join(root, process.env.NEXT_DIST_DIR || '.next');
  const manifest = JSON.parse(fs.readFileSync(path.join(dist, 'server', 'server-reference-manifest.json'), 'utf8'));
  const ids = {};
  for (const [id, entry] of Object.entries(manifest.node ?? {})) ids[`${entry.filename}#${entry.exportedName}`] = id;
  return ids;
}

// ---- HTTP as a browser does it ----------------------------------------------------------------

class Browser {
  cookies = new Map();
  /** How long each server action took to answer. */
  actionMs = [];

  constructor(base) {
    this.base = base;
  }

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async fetch(url, init = {}) {
    const res = await fetch(new URL(url, this.base), {
      ...init,
      redirect: 'manual',
      headers: { ...init.headers, cookie: this.cookieHeader() },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
    return res;
  }

  async signIn(email, password) {
    const { csrfToken } = await (await this.fetch('/api/auth/csrf')).json();
    const res = await this.fetch('/api/auth/callback/credentials', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email, password, csrfToken, callbackUrl: '/platform-tokens' }),
    });
    return res.status;
  }

  /** Calls a server action as the page's form does and returns its result. */
  async action(id, page, ...args) {
    const sentAt = Date.now();
    const res = await this.fetch(page, {
      method: 'POST',
      headers: { 'next-action': id, accept: 'text/x-component', 'content-type': 'text/plain;charset=UTF-8', origin: this.base },
      body: JSON.stringify(args),
    });
    const text = await res.text();
    this.actionMs.push(Date.now() - sentAt);
    // The result is the row of the RSC payload that carries `ok`.
    for (const line of text.split('\n')) {
      const match = /^[0-9a-f]+:(\{.*\})$/.exec(line);
      if (!match) continue;
      try {
        const value = JSON.parse(match[1]);
        if (value && typeof value === 'object' && 'ok' in value) return value;
      } catch {
        // another row
      }
    }
    throw new Error(`action ${id}: no result in the answer (${res.status}): ${text.slice(0, 300)}`);
  }
}

const statePath = (key) => `/e/${ENV}/platform/state/v1/apps/${APP}/app-states/${encodeURIComponent(key)}`;

/** Whether this instance accepts the token now; `client` is the address it is counted as. */
async function accepts(instance, token, client) {
  const res = await fetch(`${instance.base}${statePath('probe')}`, {
    headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': client },
  });
  await res.arrayBuffer();
  if (res.status === 401) return false;
  if (res.status === 200 || res.status === 404) return true;
  throw new Error(`instance ${instance.index}: unexpected ${res.status} for the probe`);
}

// ---- The run ----------------------------------------------------------------------------------

async function main() {
  const started = Date.now();
  const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'start.mjs'), '--build-only'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error('the build failed');
  const builtAt = Date.now();
  const ids = actionIds();
  const action = (file, name) => {
    const id = ids[`app/${file}#${name}`];
    if (!id) throw new Error(`no action ${file}#${name} in the build`);
    return id;
  };
  const generate = action('_actions/platform-tokens.ts', 'generateTokenAction');
  const disable = action('_actions/platform-tokens.ts', 'disableTokenAction');
  const enable = action('_actions/platform-tokens.ts', 'enableTokenAction');

  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-tokens-cluster-'));
  cleanups.push(async () => {
    if (checks.every((c) => c.ok)) fs.rmSync(logDir, { recursive: true, force: true });
    else console.log(`instance logs kept in ${logDir}`);
  });
  const database = await createDatabase();
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    BIND_ADDRESS: '127.0.0.1',
    TRUST_PROXY: 'true',
    SEED_DEMO: 'true',
    DATABASE_URL: database.url,
    DATABASE_POOL_MAX: '5',
    AUTH_SECRET: crypto.randomBytes(32).toString('base64url'),
    NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: crypto.randomBytes(32).toString('base64'),
  };
  delete env.DATABASE_LISTEN_URL;
  if (throughPgBouncer) {
    const bouncer = await startPgBouncer({ serverUrl });
    cleanups.push(() => bouncer.stop());
    env.DATABASE_URL = bouncer.url(database.name);
    env.DATABASE_LISTEN_URL = database.url;
  }
  const ports = await Promise.all(Array.from({ length: INSTANCES }, () => freePort()));
  const instances = ports.map((port, i) => startInstance(i + 1, port, env, logDir));
  await Promise.all(instances.map(waitHealthy));
  const nginx = await startNginx({ upstreams: ports });
  cleanups.push(() => nginx.stop());
  const base = `http://127.0.0.1:${nginx.port}`;
  const upAt = Date.now();
  console.log(
    `${INSTANCES} instances on ${ports.join(', ')}, nginx on ${nginx.port}${throughPgBouncer ? ', PostgreSQL through PgBouncer' : ''} ` +
      `(build ${((builtAt - started) / 1000).toFixed(1)} s, start ${((upAt - builtAt) / 1000).toFixed(1)} s)`,
  );

  // Signing in: the CSRF cookie from one instance, the sign-in on the next (round-robin).
  const browser = new Browser(base);
  const signedIn = await browser.signIn(EMAIL, PASSWORD);
  check('signing in through nginx redirects with a session', signedIn === 302 && [...browser.cookies.keys()].some((k) => k.includes('session-token')), `status ${signedIn}`);
  for (const instance of instances) {
    const res = await fetch(`${instance.base}/platform-tokens`, { headers: { cookie: browser.cookieHeader() }, redirect: 'manual' });
    await res.arrayBuffer();
    check(`instance ${instance.index} knows the session`, res.status === 200, `status ${res.status}`);
  }

  const tokens = [];
  for (let i = 0; i < 5; i++) {
    const result = await browser.action(generate, '/platform-tokens', {
      name: `Cluster ${i}`,
      expiration: '30d',
      expiresAt: '',
      accountId: 'globex',
      appliesToAccount: false,
      environmentIds: [ENV],
      generateFor: 'myself',
      serviceUserId: '',
      scopes: ['state:app-states:read', 'state:app-states:write'],
    });
    if (!result.ok) throw new Error(`generating a token failed: ${result.message}`);
    tokens.push(result.data);
  }
  const [loadToken, ...probeTokens] = tokens;

  // The load: state writes under keys of their own (each acknowledged one is read back at the
  // end) and reads, through nginx, by a few workers, bounded in rate, count and time.
  const acked = new Map();
  const load = { running: true, requests: 0, failures: [], stoppedAt: null, after: { ok: 0, failed: 0 } };
  const worker = async (w) => {
    const begun = Date.now();
    for (let i = 0; i < MAX_REQUESTS_PER_WORKER && load.running; i++) {
      const ahead = begun + i * LOAD_INTERVAL_MS - Date.now();
      if (ahead > 0) await sleep(ahead);
      const key = `w${w}-${i}`;
      const write = i % 3 !== 2;
      const sentAt = Date.now();
      let status = 0;
      try {
        const res = await fetch(`${base}${statePath(write ? key : `w${w}-${i - 1}`)}`, {
          method: write ? 'PUT' : 'GET',
          headers: { authorization: `Bearer ${loadToken.token}`, 'content-type': 'application/json' },
          body: write ? JSON.stringify({ value: { w, i } }) : undefined,
        });
        await res.arrayBuffer();
        status = res.status;
      } catch {
        status = 0;
      }
      load.requests++;
      const ok = status >= 200 && status < 300;
      if (write && ok) acked.set(key, { w, i });
      if (!ok) load.failures.push({ status, at: sentAt, write });
      if (load.stoppedAt !== null && sentAt > load.stoppedAt + 1_000) load.after[ok ? 'ok' : 'failed']++;
    }
  };
  const loadStartedAt = Date.now();
  const workers = Promise.all(Array.from({ length: LOAD_WORKERS }, (_, w) => worker(w)));
  const loadTimer = setTimeout(() => (load.running = false), MAX_LOAD_MS);

  // Propagation: a token every instance has just accepted (so each holds it in its cache) is
  // disabled through nginx; each instance is then asked directly until it refuses it.
  const disabledAfter = [];
  const enabledAfter = [];
  let clientN = 0;
  const nextClient = () => `10.${77 + Math.floor(clientN / 65_000)}.${Math.floor((clientN % 65_000) / 250)}.${(clientN++ % 250) + 1}`;
  const untilAll = async (token, want, since) => {
    const at = await Promise.all(
      instances.map(async (instance) => {
        for (;;) {
          if ((await accepts(instance, token, nextClient())) === want) return Date.now() - since;
          if (Date.now() - since > 10_000) return Infinity;
          await sleep(5);
        }
      }),
    );
    return Math.max(...at);
  };
  for (let s = 0; s < PROPAGATION_SAMPLES; s++) {
    const token = probeTokens[s % probeTokens.length];
    await untilAll(token.token, true, Date.now());
    // Each instance has now verified it: what follows is the cached answer being dropped.
    await Promise.all(instances.map((instance) => accepts(instance, token.token, nextClient())));
    const disabled = await browser.action(disable, '/platform-tokens', { tokenId: token.tokenId });
    if (!disabled.ok) throw new Error(`disabling failed: ${disabled.message}`);
    disabledAfter.push(await untilAll(token.token, false, Date.now()));
    const enabled = await browser.action(enable, '/platform-tokens', { tokenId: token.tokenId });
    if (!enabled.ok) throw new Error(`enabling failed: ${enabled.message}`);
    enabledAfter.push(await untilAll(token.token, true, Date.now()));
  }
  const p99 = percentile(disabledAfter, 99);
  console.log(
    `propagation of a disable to all ${INSTANCES} instances, after its acknowledgement, under load (${disabledAfter.length} samples): ` +
      `p50 ${percentile(disabledAfter, 50)} ms, p99 ${p99} ms, max ${Math.max(...disabledAfter)} ms; ` +
      `of an enable: p99 ${percentile(enabledAfter, 99)} ms; the actions answered in ${percentile(browser.actionMs, 50)} ms at p50, ${percentile(browser.actionMs, 99)} ms at p99`,
  );
  check(`a disabled token is refused by every instance within ${PROPAGATION_BOUND_MS} ms at p99`, p99 <= PROPAGATION_BOUND_MS, `p99 ${p99} ms`);

  // Server actions were answered by every instance.
  const actionUpstreams = new Set(
    nginx
      .accessLog()
      .filter((line) => line.includes('"POST /platform-tokens '))
      .map((line) => line.split(' ').at(-3)),
  );
  check('server actions were answered by every instance', actionUpstreams.size === INSTANCES, [...actionUpstreams].join(' '));

  // One instance stops (as an operator or a deployment stops it) while the load goes on.
  const beforeStop = load.requests;
  load.stoppedAt = Date.now();
  await instances[INSTANCES - 1].stop('SIGTERM');
  const stopSeconds = (Date.now() - load.stoppedAt) / 1000;
  await sleep(AFTER_STOP_MS);
  load.running = false;
  clearTimeout(loadTimer);
  await workers;
  const loadSeconds = (Date.now() - loadStartedAt) / 1000;
  console.log(
    `load: ${load.requests} requests in ${loadSeconds.toFixed(1)} s by ${LOAD_WORKERS} workers (${(load.requests / loadSeconds).toFixed(0)}/s), ` +
      `${load.requests - beforeStop} of them after instance ${INSTANCES} was told to stop (it took ${stopSeconds.toFixed(1)} s); ` +
      `${load.failures.length} not answered 2xx${load.failures.length ? ` (${load.failures.map((f) => f.status).join(', ')})` : ''}`,
  );
  check('the other instances keep answering once one has stopped', load.after.ok >= 100 && load.after.failed === 0, `${load.after.ok} answered, ${load.after.failed} failed from 1 s after the stop`);

  // Every acknowledged write is there, read back through the instances that remain.
  const keys = [...acked.keys()];
  let lost = 0;
  const examples = [];
  for (let i = 0; i < keys.length; i += 20) {
    await Promise.all(
      keys.slice(i, i + 20).map(async (key) => {
        const res = await fetch(`${base}${statePath(key)}`, { headers: { authorization: `Bearer ${loadToken.token}` } });
        const body = res.ok ? await res.json() : null;
        const written = acked.get(key);
        if (body?.value?.w === written.w && body?.value?.i === written.i) return;
        lost++;
        if (examples.length < 3) examples.push(`${key}: ${res.status} ${JSON.stringify(body)}`);
      }),
    );
  }
  console.log(`writes: ${keys.length} acknowledged, ${lost} lost${examples.length ? ` (${examples.join('; ')})` : ''}`);
  check('stopping an instance loses no acknowledged write', keys.length > 0 && lost === 0, `${lost} of ${keys.length} lost`);
  console.log(`cluster test took ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

let code = 0;
try {
  await main();
} catch (error) {
  checks.push({ name: 'run', ok: false });
  console.error(`cluster test: ${error instanceof Error ? error.stack : String(error)}`);
}
await cleanup();
clearTimeout(watchdog);
const failed = checks.filter((c) => !c.ok).length;
if (failed > 0) code = 1;
console.log(`cluster: ${checks.length - failed} passed, ${failed} failed`);
if (reportFile) fs.writeFileSync(reportFile, JSON.stringify({ passed: checks.length - failed, failed }));
process.exit(code);
