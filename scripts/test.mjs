// `npm test`: typecheck, lint, dead code, unit and integration tests (on in-memory PGlite, and again on
// PostgreSQL when DATABASE_URL is set), then the end-to-end suite against a production build.
// Ends with one line that counts every test: "test: N passed, N failed".
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const bin = (name) => path.join('node_modules', '.bin', name);
const reports = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-tokens-test-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];
/** Every step run, with its outcome and duration, for the summary at the end. */
const steps = [];
const startedAt = Date.now();

function run(label, command, args, env = process.env) {
  console.log(`\n=== ${label} ===`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  const seconds = (Date.now() - started) / 1000;
  const ok = result.status === 0;
  if (!ok) failures.push(label);
  steps.push({ label, ok, seconds });
  console.log(`=== ${label}: ${ok ? 'ok' : 'FAILED'} (${seconds.toFixed(1)}s) ===`);
  return ok;
}

function printSteps() {
  const width = Math.max(...steps.map((s) => s.label.length), 5);
  console.log('\nSteps:');
  for (const s of steps) console.log(`  ${s.label.padEnd(width)}  ${(s.ok ? 'ok' : 'FAILED').padEnd(6)}  ${s.seconds.toFixed(1).padStart(6)}s`);
  console.log(`  ${'total'.padEnd(width)}  ${''.padEnd(6)}  ${((Date.now() - startedAt) / 1000).toFixed(1).padStart(6)}s`);
}

function countVitest(file) {
  if (!fs.existsSync(file)) return;
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  totals.passed += report.numPassedTests ?? 0;
  totals.failed += report.numFailedTests ?? 0;
  totals.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}

function countChecks(file) {
  if (!fs.existsSync(file)) return;
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  totals.passed += report.passed ?? 0;
  totals.failed += report.failed ?? 0;
}

function countPlaywright(file) {
  if (!fs.existsSync(file)) return;
  const stats = JSON.parse(fs.readFileSync(file, 'utf8')).stats ?? {};
  totals.passed += (stats.expected ?? 0) + (stats.flaky ?? 0);
  totals.failed += stats.unexpected ?? 0;
  totals.skipped += stats.skipped ?? 0;
}

const only = process.argv[2]; // optional: static | unit | e2e | cluster

/**
 * The whole suite builds the app for the end-to-end run while the static checks and the first
 * tests run: those use one core most of the time, the build the other. Its output is shown when
 * the end-to-end step starts, which waits for it.
 */
function buildInBackground() {
  const log = path.join(reports, 'build.log');
  const out = fs.openSync(log, 'w');
  const started = Date.now();
  const child = spawn(process.execPath, ['scripts/start.mjs', '--build-only'], { stdio: ['ignore', out, out] });
  const done = new Promise((resolve) => {
    child.on('exit', (code) => resolve(code === 0));
    child.on('error', () => resolve(false));
  });
  return async () => {
    const ok = await done;
    fs.closeSync(out);
    // The steps before run synchronously, so the exit is seen only when they end: the build's
    // own time is that of its log's last line.
    const output = fs.readFileSync(log, 'utf8');
    // Nothing written: the build was newer than the sources (scripts/start.mjs) and was kept.
    const seconds = output ? (fs.statSync(log).mtimeMs - started) / 1000 : 0;
    console.log(`\n=== production build (in the background since the start) ===`);
    process.stdout.write(output);
    if (!ok) failures.push('production build');
    steps.push({ label: output ? 'production build (beside the steps before)' : 'production build (up to date, kept)', ok, seconds });
    const when = output ? `${seconds.toFixed(1)}s, done ${((Date.now() - started) / 1000 - seconds).toFixed(1)}s before it was needed` : 'up to date with the sources, kept';
    console.log(`=== production build: ${ok ? 'ok' : 'FAILED'} (${when}) ===`);
    return ok;
  };
}
const build = !only ? buildInBackground() : async () => true;

if (!only || only === 'static') {
  run('typecheck', bin('tsc'), ['--noEmit']);
  run('lint', bin('eslint'), ['.', '--max-warnings=0']);
  // Unused files, exports and dependencies (knip.jsonc).
  run('dead code', bin('knip'), ['--no-progress']);
}

if (!only || only === 'unit') {
  const withoutServer = { ...process.env };
  delete withoutServer.DATABASE_URL;
  const pgliteReport = path.join(reports, 'vitest-pglite.json');
  run('unit and integration tests on PGlite', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${pgliteReport}`], withoutServer);
  countVitest(pgliteReport);
  if (process.env.DATABASE_URL) {
    const pgReport = path.join(reports, 'vitest-postgres.json');
    run('unit and integration tests on PostgreSQL', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${pgReport}`]);
    countVitest(pgReport);
  } else {
    console.log('\n(DATABASE_URL is not set: the PostgreSQL run of the integration tests is skipped)');
  }
}

if ((!only || only === 'e2e') && (await build())) {
  const e2eReport = path.join(reports, 'playwright.json');
  const keepDir = path.join(reports, 'e2e-data');
  const ran = run('end-to-end tests', bin('playwright'), ['test', '--reporter=list,json'], {
    ...process.env,
    PLAYWRIGHT_JSON_OUTPUT_NAME: e2eReport,
    E2E_KEEP_DIR: keepDir,
  });
  countPlaywright(e2eReport);
  // After every secret the suite generated: none may be in the database, audit log or server log.
  if (fs.existsSync(keepDir)) {
    const clean = run('secret scan of the end-to-end databases and server logs', process.execPath, ['scripts/scan-secrets.mjs', keepDir]);
    totals[clean ? 'passed' : 'failed'] += 1;
  } else if (ran) {
    const label = 'secret scan (the end-to-end database was not kept)';
    failures.push(label);
    steps.push({ label, ok: false, seconds: 0 });
  }
}

// After the end-to-end run, whose production build the instances reuse. Each needs a PostgreSQL
// server; nginx and PgBouncer are Debian's (.ci/run installs them).
if (!only || only === 'cluster') {
  if (process.env.DATABASE_URL) {
    const pooledReport = path.join(reports, 'vitest-pgbouncer.json');
    run('integration tests through PgBouncer (scripts/pgbouncer-test.mjs)', process.execPath, [
      'scripts/pgbouncer-test.mjs',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${pooledReport}`,
    ]);
    countVitest(pooledReport);
    // Directly on PostgreSQL; `node scripts/cluster-test.mjs --pgbouncer` runs it through the
    // pooler too (the integration tests above already cover every query shape that way).
    const clusterReport = path.join(reports, 'cluster.json');
    run('three instances behind nginx (scripts/cluster-test.mjs)', process.execPath, ['scripts/cluster-test.mjs', `--report=${clusterReport}`]);
    countChecks(clusterReport);
  } else {
    console.log('\n(DATABASE_URL is not set: the tests of several instances, nginx and PgBouncer are skipped)');
  }
}

fs.rmSync(reports, { recursive: true, force: true });
printSteps();
if (failures.length > 0) console.log(`\nFailed steps: ${failures.join(', ')}`);
// A failing step with no failing test (typecheck, lint, a crash) still counts as a failure.
const failed = Math.max(totals.failed, failures.length > 0 ? 1 : 0);
console.log(`\ntest: ${totals.passed} passed, ${failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(failures.length > 0 ? 1 : 0);
