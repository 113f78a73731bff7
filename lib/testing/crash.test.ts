// The server killed in the middle of a bulk action or a rotation leaves all or nothing: a child
// process starts the change, a trigger holds its transaction open at the audit insert (the last
// write), the child is killed, and the database shows none of the change.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseSnapshot } from '@/lib/db/snapshot';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { insertTestToken } from '@/lib/platform/testing';

const CHILD = path.join(process.cwd(), 'lib', 'testing', 'crash-child.ts');

describe.skipIf(testBackend !== 'postgres')('a crash mid-change leaves all or nothing', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    // Lets the server notice a vanished client while its statement is still running.
    await database.db.execute(sql.raw(`alter database "${new URL(database.url!).pathname.slice(1)}" set client_connection_check_interval = 100`));
    await database.db.execute(sql.raw(`
      create function hold_audit() returns trigger language plpgsql as $$
      begin perform pg_sleep(60); return new; end $$;
      create trigger hold_audit before insert on audit_events for each row execute function hold_audit();
    `));
  });
  afterAll(() => database.close());

  async function crashDuring(operation: 'bulk' | 'rotate', tokenId: string) {
    // tsx as a loader in this very process, so that the kill hits the process holding the connection.
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, database.url!, operation, tokenId], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const deadline = Date.now() + 60_000;
    for (;;) {
      const waiting = (await database.db.execute(
        sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event = 'PgSleep'`,
      )) as unknown as { rows: { n: number }[] };
      if (waiting.rows[0]!.n > 0) break;
      if (Date.now() > deadline) throw new Error(`the change never reached the audit insert: ${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL');
    await exited;
    expect(output).not.toContain('finished');
    // The server ends the dead session's transaction once it notices the closed connection.
    for (let i = 0; i < 100; i++) {
      const open = (await database.db.execute(
        sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event = 'PgSleep'`,
      )) as unknown as { rows: { n: number }[] };
      if (open.rows[0]!.n === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the killed transaction is still open');
  }

  it('bulk disable', { timeout: 90_000 }, async () => {
    const token = await insertTestToken(database.db, { owner: 'alice@example.com', scopes: ['document:documents:read'] });
    const before = await databaseSnapshot(database.db);
    await crashDuring('bulk', token.tokenId);
    expect(await databaseSnapshot(database.db)).toBe(before);
  });

  it('rotation', { timeout: 90_000 }, async () => {
    const token = await insertTestToken(database.db, { owner: 'alice@example.com', scopes: ['document:documents:read'] });
    const before = await databaseSnapshot(database.db);
    await crashDuring('rotate', token.tokenId);
    expect(await databaseSnapshot(database.db)).toBe(before);
  });
});
