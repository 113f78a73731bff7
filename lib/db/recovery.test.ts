import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { testBackend } from './testing';

async function admin(url: string, text: string) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

// The process-wide database of lib/db: it must survive a server that is not there yet.
describe.skipIf(testBackend !== 'postgres')('starting before the database is reachable', () => {
  // Computed lazily: the suite body is still evaluated when it is skipped.
  const serverUrl = process.env.DATABASE_URL ?? '';
  const name = `late_${randomBytes(5).toString('hex')}`;
  const target = () => {
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };

  afterAll(async () => {
    const { getDatabase } = await import('./index');
    await (await getDatabase()).close();
    await admin(serverUrl, `drop database if exists ${name} with (force)`);
  });

  it('fails with the server’s message, then connects, migrates and seeds once it is there', async () => {
    process.env.DATABASE_URL = target();
    process.env.SEED_DEMO = 'true';
    try {
      const { getDatabase } = await import('./index');
      await expect(getDatabase()).rejects.toThrow(/does not exist/);
      await admin(serverUrl, `create database ${name}`);
      const database = await getDatabase();
      const { accounts } = await import('./schema');
      expect((await database.db.select().from(accounts)).length).toBe(2);
    } finally {
      process.env.DATABASE_URL = serverUrl;
    }
  });
});
