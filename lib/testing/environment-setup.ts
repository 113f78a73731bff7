// Runs before every test file. Files share processes (vitest.config.mts), so the environment
// variables a file sets or removes are put back as they were when it ends.
import { afterAll } from 'vitest';

const before = { ...process.env };

afterAll(() => {
  for (const name of Object.keys(process.env)) if (!(name in before)) delete process.env[name];
  Object.assign(process.env, before);
});
