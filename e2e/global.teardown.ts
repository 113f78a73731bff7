import fs from 'node:fs';
import path from 'node:path';
import { test as teardown } from '@playwright/test';
import { storageStatePath } from './fixtures';

// The sessions were signed in for this run's server, whose port the next run will not reuse.
teardown('forget the sessions of this run', () => {
  fs.rmSync(path.dirname(storageStatePath('alice')), { recursive: true, force: true });
});
