// The server may be started from any directory: the database layer finds its migrations and its
// worker thread from its own place in the project, not from the working directory.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

describe('database files', () => {
  it('an embedded database opens and migrates from another working directory', { timeout: 60_000 }, async () => {
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'elsewhere-'));
    const client = path.join(ROOT, 'lib', 'db', 'client.ts');
    const script = `
      const loaded = await import(${JSON.stringify(client)});
      const { openDatabase, migrateDatabase } = loaded.openDatabase ? loaded : loaded.default;
      const database = await openDatabase({ kind: 'pglite', dataDir: null });
      await migrateDatabase(database);
      const { rows } = await database.db.execute("select count(*)::int as n from information_schema.tables where table_name = 'account_members'");
      console.log(JSON.stringify({ cwd: process.cwd(), tables: rows[0].n }));
      await database.close();
    `;
    const file = path.join(elsewhere, 'open.mjs');
    fs.writeFileSync(file, script);
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href, file], {
        cwd: elsewhere,
        env: { ...process.env, TSX_TSCONFIG_PATH: path.join(ROOT, 'tsconfig.json') },
      });
      const result = JSON.parse(stdout.trim().split('\n').pop()!) as { cwd: string; tables: number };
      expect(fs.realpathSync(result.cwd)).toBe(fs.realpathSync(elsewhere));
      expect(result.tables).toBe(1);
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
