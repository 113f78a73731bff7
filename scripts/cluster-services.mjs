// Debian's PgBouncer and nginx for the tests that run the portal as it runs in production, each
// from its template in deploy/ with free loopback ports and a temporary folder of its own, as an
// unprivileged process (nobody, when the tests run as root), never as a system service.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NOBODY = 65534;

/** A TCP port of 127.0.0.1 that is free now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The program's path, looked up in PATH and in the sbin folders Debian installs daemons to. */
export function findProgram(name) {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** deploy/<name> with every {{NAME}} replaced; a placeholder without a value is an error. */
export function renderTemplate(name, values) {
  const text = fs.readFileSync(path.join(root, 'deploy', name), 'utf8');
  return text.replace(/\{\{([A-Z_]+)\}\}/g, (_, key) => {
    if (!(key in values)) throw new Error(`deploy/${name}: no value for {{${key}}}`);
    return String(values[key]);
  });
}

/** A temporary folder the service may write to, and how to start it without root's rights. */
function workspace(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  if (process.getuid?.() !== 0) return { dir, user: {} };
  fs.chownSync(dir, NOBODY, NOBODY);
  return { dir, user: { uid: NOBODY, gid: NOBODY } };
}

function connects(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitForPort(port, child, output, what) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode}): ${output()}`);
    if (await connects(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not listen on ${port} within 15 s: ${output()}`);
}

/**
 * Starts the service with its output in a file of its folder, not a pipe: a pipe nobody reads
 * (this process busy in a spawnSync) would fill and stall the service on its next log line.
 */
function startProcess(program, args, user, what, dir) {
  const outputFile = path.join(dir, 'output.log');
  const fd = fs.openSync(outputFile, 'a');
  const child = spawn(program, args, { ...user, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  const output = () => {
    try {
      return fs.readFileSync(outputFile, 'utf8').slice(-4000);
    } catch {
      return '';
    }
  };
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async (signal = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { child, output, stop, what };
}

/**
 * PgBouncer in transaction mode in front of the server of `serverUrl` (deploy/pgbouncer.ini.template).
 * `url(database)` is the URL of one of the server's databases through it.
 */
export async function startPgBouncer({ serverUrl }) {
  const program = findProgram('pgbouncer');
  if (!program) throw new Error('pgbouncer is not installed (apt-get install pgbouncer)');
  const server = new URL(serverUrl);
  const user = decodeURIComponent(server.username || 'postgres');
  const password = decodeURIComponent(server.password);
  const port = await freePort();
  const { dir, user: runAs } = workspace('platform-tokens-pgbouncer-');
  const quote = (value) => `"${value.replaceAll('"', '""')}"`;
  // The clients' password is not checked on loopback; PgBouncer logs in to the server with this one.
  fs.writeFileSync(path.join(dir, 'userlist.txt'), `${quote(user)} ${quote(password)}\n`, { mode: 0o600 });
  const config = renderTemplate('pgbouncer.ini.template', {
    SERVER_HOST: server.hostname || '127.0.0.1',
    SERVER_PORT: server.port || 5432,
    LISTEN_PORT: port,
    AUTH_TYPE: 'trust',
    DIR: dir,
  });
  const configFile = path.join(dir, 'pgbouncer.ini');
  fs.writeFileSync(configFile, config);
  if (runAs.uid !== undefined) for (const file of ['userlist.txt', 'pgbouncer.ini']) fs.chownSync(path.join(dir, file), runAs.uid, runAs.gid);
  const service = startProcess(program, [configFile], runAs, 'pgbouncer', dir);
  try {
    await waitForPort(port, service.child, service.output, 'pgbouncer');
  } catch (error) {
    await service.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    dir,
    config,
    url(database) {
      const url = new URL(serverUrl);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      url.pathname = `/${database}`;
      return url.toString();
    },
    async stop() {
      await service.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** nginx on a free port, round-robin over the instances on `upstreams` (deploy/nginx.conf.template). */
export async function startNginx({ upstreams }) {
  const program = findProgram('nginx');
  if (!program) throw new Error('nginx is not installed (apt-get install nginx)');
  const port = await freePort();
  const { dir, user: runAs } = workspace('platform-tokens-nginx-');
  const config = renderTemplate('nginx.conf.template', {
    LISTEN_PORT: port,
    DIR: dir,
    UPSTREAM_SERVERS: upstreams.map((p) => `        server 127.0.0.1:${p} max_fails=1 fail_timeout=5s;`).join('\n'),
  });
  const configFile = path.join(dir, 'nginx.conf');
  fs.writeFileSync(configFile, config);
  // -e: nginx's start-up messages go to stderr instead of the system's log folder.
  const service = startProcess(program, ['-p', dir, '-c', configFile, '-e', 'stderr'], runAs, 'nginx', dir);
  try {
    await waitForPort(port, service.child, service.output, 'nginx');
  } catch (error) {
    await service.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    dir,
    config,
    /** The access log's lines so far: client, request, status, upstream address, upstream status, time. */
    accessLog() {
      const file = path.join(dir, 'access.log');
      return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
    },
    async stop() {
      await service.stop('SIGQUIT');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
