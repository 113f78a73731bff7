import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname) } },
  test: {
    include: ['lib/**/*.test.ts', 'app/**/*.test.ts', 'components/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    // Migrates and seeds once per run; each test database is a copy of that (lib/db/testing.ts).
    globalSetup: ['lib/db/testing-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // A test file's process waits on its database's thread (PGlite) or server much of the time: one per core.
    maxWorkers: os.availableParallelism(),
    // next-auth imports 'next/server' without an extension; bundling it lets Vite resolve that.
    server: { deps: { inline: ['next-auth'] } },
  },
});
