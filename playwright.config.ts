import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { defineConfig, devices } from '@playwright/test';

/**
 * How many workers run the specs, each against a server and database of its own (E2E_WORKERS;
 * one per core by default, at most four). A spec file runs in one worker, its tests in order.
 */
const workers = Math.min(4, Math.max(1, Number(process.env.E2E_WORKERS) || os.availableParallelism()));

/**
 * The ports of the servers under test: E2E_PORTS (comma-separated, one per worker), or else ones
 * that are free now. Playwright loads this file again in each worker process; those inherit the
 * variable set here by the runner, so every process of the run sees the same ports.
 */
function e2ePorts(): number[] {
  if (!process.env.E2E_PORTS) {
    const script = `const net = require('node:net'); const servers = Array.from({ length: ${workers} }, () => net.createServer().listen(0, '127.0.0.1'));
Promise.all(servers.map((s) => new Promise((r) => s.on('listening', r)))).then(() => { console.log(servers.map((s) => s.address().port).join(',')); servers.forEach((s) => s.close()); });`;
    process.env.E2E_PORTS = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim();
  }
  const ports = process.env.E2E_PORTS.split(',').map(Number);
  if (ports.length !== workers || ports.some((port) => !Number.isInteger(port) || port < 1 || port > 65535)) {
    throw new Error(`E2E_PORTS must name ${workers} ports (one per worker), comma-separated`);
  }
  return ports;
}

const ports = e2ePorts();

/**
 * Debian's Chromium unless PLAYWRIGHT_CHROMIUM_PATH says otherwise: its headless shell
 * (`chromium-headless-shell`, what Playwright's own headless runs use) when installed, which takes
 * a fifth less CPU over the suite than the full browser; Playwright's own browser as a fallback.
 */
function chromiumPath(): string | undefined {
  const configured = process.env.PLAYWRIGHT_CHROMIUM_PATH;
  if (configured) return configured;
  return ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium'].find((candidate) => fs.existsSync(candidate));
}

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  fullyParallel: false,
  workers,
  retries: process.env.CI ? 1 : 0,
  // Two workers share two cores with their servers: the longest tests take 30–50 s on a loaded machine.
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  use: {
    // baseURL is the worker's own server (e2e/fixtures.ts).
    // Recording a trace of every test took a quarter of the suite's CPU (712 CPU-seconds with,
    // 540 without): in CI a test that fails is traced when it runs again.
    trace: process.env.CI ? 'on-first-retry' : 'retain-on-failure',
    launchOptions: {
      executablePath: chromiumPath(),
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  projects: [
    { name: 'setup', testMatch: /global\.setup\.ts/, teardown: 'teardown' },
    { name: 'teardown', testMatch: /global\.teardown\.ts/ },
    { name: 'chromium', use: { ...devices['Desktop Chrome'] }, dependencies: ['setup'] },
  ],
  // One server per worker, started one after another: the first builds the app when needed.
  webServer: ports.map((port, index) => ({
    command: 'node scripts/e2e-server.mjs',
    url: `http://127.0.0.1:${port}/api/health`,
    timeout: 600_000,
    reuseExistingServer: !process.env.CI && !!process.env.E2E_REUSE_SERVER,
    stdout: 'pipe' as const,
    stderr: 'pipe' as const,
    // Trusting x-forwarded-for lets specs act as distinct clients (rate limits are per client).
    env: { PORT: String(port), E2E_SERVER_INDEX: String(index), TRUST_PROXY: 'true' },
  })),
});
