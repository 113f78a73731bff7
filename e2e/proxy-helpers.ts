import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';

/** A server action call as the browser sent it, to be sent again with other headers. */
export interface CapturedAction {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * Records the next server action POST the page sends while `trigger` runs, and stops it there so
 * the action does not run: the test decides which copy of it reaches the server.
 */
export async function captureAction(page: Page, trigger: () => Promise<void>): Promise<CapturedAction> {
  let resolve!: (action: CapturedAction) => void;
  const captured = new Promise<CapturedAction>((r) => (resolve = r));
  await page.route('**/*', async (route) => {
    const request = route.request();
    const headers = request.headers();
    if (request.method() !== 'POST' || !headers['next-action']) return route.continue();
    const url = new URL(request.url());
    resolve({ path: url.pathname + url.search, headers, body: request.postData() ?? '' });
    await route.abort();
  });
  await trigger();
  const action = await captured;
  await page.unrouteAll({ behavior: 'ignoreErrors' });
  return action;
}

/** Sends a captured action straight to a server on 127.0.0.1, with the headers given (Host included). */
export async function sendAction(
  port: number,
  action: CapturedAction,
  context: BrowserContext,
  headers: { host: string; origin: string; 'x-forwarded-host'?: string; 'x-forwarded-proto'?: string },
): Promise<{ status: number; body: string }> {
  const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const sent: Record<string, string> = {
    'next-action': action.headers['next-action']!,
    'next-router-state-tree': action.headers['next-router-state-tree'] ?? '',
    'content-type': action.headers['content-type'] ?? 'text/plain;charset=UTF-8',
    accept: 'text/x-component',
    cookie,
    ...headers,
  };
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, method: 'POST', path: action.path, headers: sent }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end(action.body);
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningPortal {
  port: number;
  /** Everything the server printed so far. */
  log: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts the production server of the build the suite already made (no second build) on a free
 * port, with a fresh embedded database and the settings given.
 */
export async function startPortal(settings: Record<string, string>): Promise<RunningPortal> {
  const root = path.resolve(__dirname, '..');
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-tokens-proxy-e2e-'));
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', PORT: String(port), BIND_ADDRESS: '127.0.0.1', DATA_DIR: dataDir, SEED_DEMO: 'true', ...settings };
  delete env.DATABASE_URL;
  const child: ChildProcess = spawn(process.execPath, [path.join(root, 'scripts', 'server.mjs')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The portal stopped while starting:\n${output}`);
    const healthy = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false);
    if (healthy) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`The portal did not start within 90 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { port, log: () => output, stop };
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'upgrade'];

/**
 * A reverse proxy as nginx's defaults make it: the browser reaches `publicHost` through it (as its
 * HTTP proxy), and it passes each request on to the portal with the Host rewritten to the
 * portal's internal name, X-Forwarded-For and X-Forwarded-Proto set, and no X-Forwarded-Host.
 */
export async function startReverseProxy(publicHost: string, target: { port: number; internalHost: string }) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? publicHost}`);
    if (url.host !== publicHost) {
      res.writeHead(502).end('Unknown host');
      return;
    }
    const headers = { ...req.headers };
    for (const name of [...HOP_BY_HOP, 'x-forwarded-host', 'forwarded']) delete headers[name];
    headers.host = target.internalHost;
    headers['x-forwarded-for'] = req.socket.remoteAddress ?? '127.0.0.1';
    headers['x-forwarded-proto'] = 'http';
    const upstream = http.request({ host: '127.0.0.1', port: target.port, method: req.method, path: url.pathname + url.search, headers }, (response) => {
      const back = { ...response.headers };
      for (const name of HOP_BY_HOP) delete back[name];
      res.writeHead(response.statusCode ?? 502, back);
      response.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end('Upstream unreachable'));
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
