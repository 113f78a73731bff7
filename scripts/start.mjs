// `npm start`: builds the app when the build is missing or older than the sources, then serves it.
// The server applies migrations and seeds the demo data itself when it starts (instrumentation.ts).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serverNodeOptions } from '../lib/http/server-settings.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const distDir = path.join(root, process.env.NEXT_DIST_DIR || '.next');
const nextBin = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
const sources = ['app', 'components', 'lib', 'drizzle', 'auth.ts', 'auth.config.ts', 'proxy.ts', 'instrumentation.ts', 'next.config.mjs', 'package-lock.json', 'postcss.config.mjs'];

function newestMtime(entry) {
  let stat;
  try {
    stat = fs.statSync(entry);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, name)));
  return newest;
}

// The newest source time the build saw when it started: edits made while it ran still count as new.
const stampFile = path.join(distDir, 'sources-mtime');
const newestSource = () => Math.max(...sources.map((s) => newestMtime(path.join(root, s))));

function needsBuild() {
  if (!fs.existsSync(path.join(distDir, 'BUILD_ID')) || !fs.existsSync(stampFile)) return true;
  return newestSource() > Number(fs.readFileSync(stampFile, 'utf8'));
}

const env = { ...process.env, NODE_ENV: 'production' };

if (needsBuild()) {
  console.log('Building the portal (first start or changed sources)…');
  const seen = newestSource();
  const build = spawnSync(process.execPath, [nextBin, 'build'], { cwd: root, env, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  fs.writeFileSync(stampFile, String(seen));
}
// `--build-only`: the build is up to date; the caller starts the servers (scripts/cluster-test.mjs).
if (process.argv.includes('--build-only')) process.exit(0);

const server = spawn(process.execPath, [path.join(root, 'scripts', 'server.mjs')], {
  cwd: root,
  env: { ...env, NODE_OPTIONS: serverNodeOptions(env.NODE_OPTIONS) },
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
