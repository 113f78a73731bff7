// The platform API against its floor: a bare node:http server in its own process doing the least a
// bearer check needs (bench/floor-server.mjs), with the same load generator, in rounds that
// alternate the order. Two calls of the platform API, on one production server started here on
// 127.0.0.1 with a fresh database: verification only (iam effective-permissions, nothing read from
// the database) and an app-state read (the embedded database's only client keeps it in memory once
// read; PostgreSQL answers it with one select, shared by the reads that arrive together:
// lib/platform/services/batched-reads.ts). Reported as time per request relative to the
// floor's (the inverse of the rate ratio) and p99 latency relative to the floor's p99. Targets:
// rate at least 0.5× the floor's for both on the embedded database, 0.35× on PostgreSQL for the
// state read; p99 within 3× the floor's. The server's peak resident memory under this load is
// reported too.
// `npm run bench -- http`, or on its own: `npx tsx bench/http.bench.ts`. The first run builds
// the app into .next-bench (a minute or two); later runs reuse it while the sources are unchanged.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { migrateDatabase, openDatabase, type Database } from '@/lib/db/client';
import { appStates } from '@/lib/db/schema';
import { seedDemoData } from '@/lib/db/seed';
import { insertTestToken } from '@/lib/platform/testing';
import { median, runAlone, type Bench, type BenchReport } from './measure';

const CONCURRENCY = 16;
const ROUND_SECONDS = 2;
const MAX_REQUESTS_PER_ROUND = 500_000;
const ROUNDS = 11;
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

interface LoadResult {
  /** Requests per second. */
  rate: number;
  /** The 99th percentile of the requests' latency, in milliseconds. */
  p99: number;
}

/**
 * Sends GET requests over `CONCURRENCY` keep-alive connections for `seconds` (at most
 * `MAX_REQUESTS_PER_ROUND`), with autocannon: its client costs a few microseconds per request,
 * so on the same machine it outruns the floor server rather than being what is measured.
 */
async function load(port: number, requestPath: string, headers: Record<string, string>, seconds: number): Promise<LoadResult> {
  // Latencies from the response events: autocannon's own histogram keeps whole milliseconds,
  // too coarse for a floor that answers in a fraction of one.
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const run = autocannon(
      { url: `http://127.0.0.1:${port}${requestPath}`, connections: CONCURRENCY, duration: seconds, maxOverallRequests: MAX_REQUESTS_PER_ROUND, headers, timeout: 10 },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    run.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  if (result.errors > 0 || result.timeouts > 0 || result.non2xx > 0) {
    throw new Error(`${requestPath}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} answers other than 2xx.`);
  }
  latencies.sort((a, b) => a - b);
  const p99 = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? 0;
  return { rate: result.requests.total / (result.duration || seconds), p99 };
}

/** Starts the floor server (bench/floor-server.mjs) knowing `token`; resolves with its port. */
async function startFloor(token: string): Promise<{ port: number; process: ChildProcess }> {
  const child = spawn(process.execPath, [path.join(process.cwd(), 'bench', 'floor-server.mjs')], {
    env: { ...process.env, FLOOR_TOKEN: token },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(Number(out.trim()));
    });
    child.once('exit', (code) => reject(new Error(`The floor server stopped (exit code ${code}).`)));
  });
  return { port, process: child };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
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
  let floor: Awaited<ReturnType<typeof startFloor>> | null = null;
  try {
    await waitForHealth(port, server, 15 * 60_000);
    floor = await startFloor(target.token);
    const auth = { Authorization: `Bearer ${target.token}` };
    const postgres = Boolean(target.env.DATABASE_URL);
    // Warm-up: compiled routes, the token in the cache, the JIT.
    await load(floor.port, '/', auth, 1);
    await load(port, STATE_PATH, auth, 1);
    await load(port, VERIFY_ONLY_PATH, auth, 1);
    const memory = watchMemory(server.pid === undefined ? null : serverPid(server.pid));
    const targets = [
      { name: 'floor', port: floor.port, path: '/', results: [] as LoadResult[] },
      { name: 'verification only', port, path: VERIFY_ONLY_PATH, results: [] as LoadResult[] },
      { name: 'state read', port, path: STATE_PATH, results: [] as LoadResult[] },
    ];
    // Each round measures the three in turn, in the opposite order every other round; a ratio is
    // taken within each round, where the machine was in much the same state, and the median of
    // those is reported.
    for (let round = 0; round < ROUNDS; round++) {
      for (const t of round % 2 === 0 ? targets : [...targets].reverse()) t.results.push(await load(t.port, t.path, auth, ROUND_SECONDS));
    }
    const { peakUnderLoad, peakSinceStart } = memory.stop();
    const [floorRuns, verifyRuns, stateRuns] = targets.map((t) => t.results) as [LoadResult[], LoadResult[], LoadResult[]];
    const floorRate = median(floorRuns.map((r) => r.rate));
    const floorP99 = median(floorRuns.map((r) => r.p99));
    const floorMs = 1000 / floorRate;
    // Time per request relative to the floor's: the floor's rate over the other's, per round.
    const rateRatio = (runs: LoadResult[]) => median(floorRuns.map((f, i) => f.rate / runs[i]!.rate));
    const p99Ratio = (runs: LoadResult[]) => median(floorRuns.map((f, i) => runs[i]!.p99 / f.p99));
    const calls = [
      { name: 'verification only', runs: verifyRuns, minRate: 0.5 },
      { name: 'state read', runs: stateRuns, minRate: postgres ? 0.35 : 0.5 },
    ];
    return {
      title: `HTTP against the floor, ${CONCURRENCY} keep-alive connections on 127.0.0.1 (${postgres ? 'postgres' : 'pglite'})`,
      small: 'floor server',
      large: 'platform API',
      ratios: calls.flatMap((c) => [
        { name: `${c.name}: time per request`, smallMs: floorMs, largeMs: floorMs * rateRatio(c.runs), max: Number((1 / c.minRate).toFixed(2)) },
        { name: `${c.name}: p99 latency`, smallMs: floorP99, largeMs: floorP99 * p99Ratio(c.runs), max: 3 },
      ]),
      notes: [
        `floor: ${Math.round(floorRate)} requests/s, p99 ${floorP99.toFixed(2)} ms`,
        ...calls.map(
          (c) =>
            `${c.name}: ${Math.round(median(c.runs.map((r) => r.rate)))} requests/s, ${(1 / rateRatio(c.runs)).toFixed(2)}× the floor's rate (target ≥ ${c.minRate}×), p99 ${median(c.runs.map((r) => r.p99)).toFixed(2)} ms`,
        ),
        `${ROUNDS} rounds of ${ROUND_SECONDS} s per target; load generator (autocannon) on the same machine`,
        peakUnderLoad > 0
          ? `server resident memory: peak ${mib(peakUnderLoad)} under this load (sampled every 100 ms)${peakSinceStart ? `, ${mib(peakSinceStart)} since start` : ''}`
          : 'server memory: not measured (needs /proc)',
      ],
      figures: [
        { name: 'floor', value: `${Math.round(floorRate)} req/s` },
        ...calls.map((c) => ({ name: c.name, value: `${Math.round(median(c.runs.map((r) => r.rate)))} req/s` })),
        { name: 'server peak memory under load', value: peakUnderLoad > 0 ? mib(peakUnderLoad) : 'n/a' },
      ],
    } satisfies BenchReport;
  } finally {
    if (floor) await stop(floor.process);
    await stop(server);
    await target.cleanUp();
  }
};

export default httpBench;

if (process.argv[1]?.endsWith('http.bench.ts')) runAlone(httpBench);
