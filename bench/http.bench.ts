// Requests per second of an authenticated platform call (an app-state read: bearer verification
// plus the state, which the embedded database's only client keeps in memory once read and
// PostgreSQL answers with one select) against the app's unauthenticated health route, on one
// production server started here on 127.0.0.1 with a fresh database, in the same run. The
// server answers the platform API itself (scripts/platform-api.mjs); health goes through Next.js. The authenticated call must
// reach at least 0.9× the health route's rate (at most 1.11× its time per request). A second,
// unlimited row shows verification alone: an authenticated call that reads nothing from the
// database (iam effective-permissions).
// `npm run bench -- http`, or on its own: `npx tsx bench/http.bench.ts`. The first run builds
// the app into .next-bench (a minute or two); later runs reuse it while the sources are unchanged.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { migrateDatabase, openDatabase, type Database } from '@/lib/db/client';
import { appStates } from '@/lib/db/schema';
import { seedDemoData } from '@/lib/db/seed';
import { insertTestToken } from '@/lib/platform/testing';
import { median, type Bench, type BenchReport } from './measure';

const CONCURRENCY = 8;
const REQUESTS_PER_ROUND = 1_000;
const ROUNDS = 11;
const ROUND_TIME_LIMIT_MS = 30_000;
const STATE_PATH = '/e/acme-prod/platform/state/v1/apps/bench.app/app-states/greeting';
const VERIFY_ONLY_PATH = '/e/acme-prod/platform/iam/v1/effective-permissions';

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

/** A fresh database with the demo data, a token and one app state; returns the token. */
async function prepareDatabase(database: Database): Promise<string> {
  await migrateDatabase(database);
  await seedDemoData(database.db);
  const { token } = await insertTestToken(database.db, {
    owner: 'admin@example.com',
    scopes: ['state:app-states:read', 'iam:effective-permissions:read'],
    environmentIds: ['acme-prod'],
    name: 'HTTP benchmark',
  });
  await database.db.insert(appStates).values({ environmentId: 'acme-prod', appId: 'bench.app', key: 'greeting', value: { hello: 'world' } });
  return token;
}

interface Target {
  env: NodeJS.ProcessEnv;
  token: string;
  cleanUp: () => Promise<void>;
}

async function prepareTarget(): Promise<Target> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-tokens-bench-'));
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const database = await openDatabase({ kind: 'pglite', dataDir });
    const token = await prepareDatabase(database).finally(() => database.close());
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
    delete env.DATABASE_URL;
    return { env, token, cleanUp: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `bench_${Date.now().toString(36)}`;
  const admin = async (text: string) => {
    const client = new Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(text).finally(() => client.end());
  };
  await admin(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString(), poolMax: 2 });
  const token = await prepareDatabase(database).finally(() => database.close());
  return {
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: url.toString() },
    token,
    cleanUp: async () => {
      fs.rmSync(dataDir, { recursive: true, force: true });
      await admin(`drop database if exists ${name} with (force)`);
    },
  };
}

async function waitForHealth(port: number, server: ChildProcess, limitMs: number): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < limitMs) {
    if (server.exitCode !== null) throw new Error(`The server stopped (exit code ${server.exitCode}).`);
    const ok = await new Promise<boolean>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/api/health' }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.setTimeout(2_000, () => req.destroy());
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`The server did not answer /api/health within ${limitMs / 1000} s.`);
}

/** Sends `count` GET requests with `concurrency` keep-alive connections; returns requests per second. */
async function load(port: number, requestPath: string, headers: http.OutgoingHttpHeaders, count: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let sent = 0;
  let failed: string | null = null;
  const started = performance.now();
  const one = () =>
    new Promise<void>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: requestPath, headers, agent }, (res) => {
        if (res.statusCode !== 200) failed ??= `${requestPath} answered ${res.statusCode}`;
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', (error) => {
        failed ??= error.message;
        resolve();
      });
    });
  const worker = async () => {
    while (sent < count && failed === null && performance.now() - started < ROUND_TIME_LIMIT_MS) {
      sent++;
      await one();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  if (failed) throw new Error(failed);
  return sent / seconds;
}

/** Resident memory of a process in bytes (Linux), or null where /proc is not available. */
function residentBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

/** The HTTP server's process: scripts/start.mjs runs it as its child. */
function serverPid(startPid: number): number | null {
  try {
    const children = fs.readFileSync(`/proc/${startPid}/task/${startPid}/children`, 'utf8').trim().split(/\s+/);
    return children[0] ? Number(children[0]) : null;
  } catch {
    return null;
  }
}

/** Samples the server's resident memory while the load runs; the peak is what a host must provide. */
function watchMemory(pid: number | null) {
  let peak = 0;
  const sample = () => {
    if (pid !== null) peak = Math.max(peak, residentBytes(pid, 'VmRSS') ?? 0);
  };
  const timer = setInterval(sample, 100);
  return {
    stop(): { peakUnderLoad: number; peakSinceStart: number | null } {
      clearInterval(timer);
      sample();
      return { peakUnderLoad: peak, peakSinceStart: pid === null ? null : residentBytes(pid, 'VmHWM') };
    },
  };
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

const httpBench: Bench = async () => {
  const target = await prepareTarget();
  const port = await freePort();
  const server = spawn(process.execPath, [path.join(process.cwd(), 'scripts', 'start.mjs')], {
    cwd: process.cwd(),
    env: {
      ...target.env,
      PORT: String(port),
      BIND_ADDRESS: '127.0.0.1',
      NEXT_DIST_DIR: '.next-bench',
      SEED_DEMO: 'false',
      AUTH_SECRET: 'benchmark-only-secret-0123456789abcdefghijkl',
      NEXT_TELEMETRY_DISABLED: '1',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitForHealth(port, server, 15 * 60_000);
    const auth = { Authorization: `Bearer ${target.token}` };
    // Warm-up: compiled routes, the token in the cache, the JIT.
    await load(port, '/api/health', {}, 1_000);
    await load(port, STATE_PATH, auth, 1_000);
    await load(port, VERIFY_ONLY_PATH, auth, 1_000);
    const memory = watchMemory(server.pid === undefined ? null : serverPid(server.pid));
    const health: number[] = [];
    const state: number[] = [];
    const verifyOnly: number[] = [];
    // Each round measures the three in turn, in the opposite order every other round; a ratio is
    // taken within each round, where the machine was in much the same state, and the median of
    // those is reported.
    const targets = [
      { path: '/api/health', headers: {}, results: health },
      { path: STATE_PATH, headers: auth, results: state },
      { path: VERIFY_ONLY_PATH, headers: auth, results: verifyOnly },
    ];
    for (let round = 0; round < ROUNDS; round++) {
      for (const target of round % 2 === 0 ? targets : [...targets].reverse()) {
        target.results.push(await load(port, target.path, target.headers, REQUESTS_PER_ROUND));
      }
    }
    const { peakUnderLoad, peakSinceStart } = memory.stop();
    const healthRps = median(health);
    const stateRps = median(state);
    const verifyOnlyRps = median(verifyOnly);
    // Time per request relative to health's: health's rate over the other's, per round.
    const stateRatio = median(health.map((h, i) => h / state[i]!));
    const verifyOnlyRatio = median(health.map((h, i) => h / verifyOnly[i]!));
    const healthMs = 1000 / healthRps;
    return {
      title: `HTTP, ${CONCURRENCY} keep-alive connections on 127.0.0.1 (${target.env.DATABASE_URL ? 'postgres' : 'pglite'})`,
      small: 'GET /api/health',
      large: 'authenticated',
      ratios: [
        { name: 'state read: time per request', smallMs: healthMs, largeMs: healthMs * stateRatio, max: Number((1 / 0.9).toFixed(2)) },
        { name: 'verification only: time per request', smallMs: healthMs, largeMs: healthMs * verifyOnlyRatio },
      ],
      notes: [
        `health: ${Math.round(healthRps)} requests/s; authenticated state read: ${Math.round(stateRps)} requests/s; per round, the state read ran at ${(1 / stateRatio).toFixed(2)}× health's rate (median; target ≥ 0.9×)`,
        `authenticated call without a database read: ${Math.round(verifyOnlyRps)} requests/s, ${(1 / verifyOnlyRatio).toFixed(2)}× health's rate`,
        `${ROUNDS} rounds of ${REQUESTS_PER_ROUND} requests per route; load generator on the same machine`,
        peakUnderLoad > 0
          ? `server resident memory: peak ${mib(peakUnderLoad)} under this load (sampled every 100 ms)${peakSinceStart ? `, ${mib(peakSinceStart)} since start` : ''}`
          : 'server memory: not measured (needs /proc)',
      ],
      figures: [
        { name: 'health', value: `${Math.round(healthRps)} req/s` },
        { name: 'authenticated state read', value: `${Math.round(stateRps)} req/s` },
        { name: 'server peak memory under load', value: peakUnderLoad > 0 ? mib(peakUnderLoad) : 'n/a' },
      ],
    } satisfies BenchReport;
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => (server.exitCode !== null ? resolve(null) : server.once('exit', resolve)));
    await target.cleanUp();
  }
};

export default httpBench;

if (process.argv[1]?.endsWith('http.bench.ts')) {
  httpBench().then(
    (report) => {
      console.log(report.title);
      for (const r of report.ratios) console.log(`  ${r.name}: ${r.smallMs.toFixed(3)} ms vs ${r.largeMs.toFixed(3)} ms (limit ${r.max}×)`);
      for (const note of report.notes) console.log(`  ${note}`);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
