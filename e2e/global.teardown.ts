import fs from 'node:fs';
import path from 'node:path';
import { test as teardown } from '@playwright/test';
import { serverURLs, storageStatePath } from './fixtures';

// The sessions were signed in for this run's servers, whose ports the next run will not reuse.
teardown('forget the sessions of this run', () => {
  for (const server of serverURLs()) fs.rmSync(path.dirname(storageStatePath('alice', server)), { recursive: true, force: true });
});
