import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

const TESTS = ['lib/**/*.test.ts', 'app/**/*.test.ts', 'components/**/*.test.ts', 'scripts/**/*.test.ts'];
// Files that replace modules (vi.mock) or start the process-wide database of lib/db need a module
// graph of their own. Every other file runs in a process that earlier files used, keeping the
// imported modules and the database copies they closed (lib/db/testing.ts); starting both again
// per file cost most of the run.
const OWN_MODULES = [
  'app/authorization-matrix.test.ts',
  'auth.test.ts',
  'app/bad-input.test.ts',
  'app/_lib/session.test.ts',
  'app/_lib/new-password-sign-in.test.ts',
  'app/api/health/readiness.test.ts',
  'lib/auth/sign-in-limits.test.ts',
  'lib/db/recovery.test.ts',
  'lib/platform/verify.test.ts',
];

export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname) } },
  test: {
    environment: 'node',
    // Migrates and seeds once per run; each test database is a copy of that (lib/db/testing.ts).
    globalSetup: ['lib/db/testing-setup.ts'],
    // Puts back the environment variables a file changed, for the next file of its process.
    setupFiles: ['lib/testing/environment-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // A test file's process waits on its database's thread (PGlite) or server much of the time: one per core.
    maxWorkers: os.availableParallelism(),
    // next-auth imports 'next/server' without an extension; bundling it lets Vite resolve that.
    server: { deps: { inline: ['next-auth'] } },
    projects: [
      { extends: true, test: { name: 'shared', include: TESTS, exclude: OWN_MODULES, isolate: false } },
      { extends: true, test: { name: 'own-modules', include: OWN_MODULES, isolate: true } },
    ],
  },
});
