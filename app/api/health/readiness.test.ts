import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase, type Database, type DatabaseOptions } from '@/lib/db/client';
import { createTestDatabase, testBackend } from '@/lib/db/testing';
import { NOT_ANSWERING, NOT_REACHABLE, NOT_STARTED, readinessCheck } from './readiness';

const serverUrl = process.env.DATABASE_URL;
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function admin(url: string, text: string) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database of the test backend, dropped after the file. */
async function emptyDatabase(): Promise<{ options: DatabaseOptions; url: string | null }> {
  if (!serverUrl) return { options: { kind: 'pglite', dataDir: null }, url: null };
  const name = `test_${randomBytes(6).toString('hex')}`;
  await admin(serverUrl, `create database ${name}`);
  cleanups.push(() => admin(serverUrl, `drop database if exists ${name} with (force)`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { options: { kind: 'postgres', url: url.toString() }, url: url.toString() };
}

/** Opens and migrates, as the server does at start; closes what it opened when that fails. */
async function start(options: DatabaseOptions): Promise<Database> {
  const database = await openDatabase(options);
  try {
    await migrateDatabase(database);
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }
  cleanups.push(() => database.close().catch(() => undefined));
  return database;
}

// On PGlite these start a database from nothing (initdb and every migration), which takes a
// minute and more on a busy 2-core machine.
const FROM_NOTHING = { timeout: 180_000 };

describe(`readiness (${testBackend})`, () => {
  it('is not ready while the migrations run, and ready once they have', FROM_NOTHING, async () => {
    const { options, url } = await emptyDatabase();
    // On PostgreSQL another instance holds the migration lock; PGlite takes long enough to start.
    let release = async () => {};
    if (url) {
      const holder = new Client({ connectionString: url });
      await holder.connect();
      await holder.query('select pg_advisory_lock(727100401)');
      release = () => holder.end();
      cleanups.push(() => holder.end().catch(() => undefined));
    }
    const starting = start(options);
    const check = readinessCheck(() => starting, 150);
    expect(await check()).toEqual({ ready: false, reason: NOT_STARTED });
    await release();
    await starting;
    expect(await check()).toEqual({ ready: true });
  });

  it('is not ready when the database cannot be reached', async () => {
    const check = readinessCheck(() => start({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1:1/nothing' }), 5_000);
    expect(await check()).toEqual({ ready: false, reason: NOT_REACHABLE });
  });

  it('lets concurrent callers share one probe, and is not ready once the database stops answering', async () => {
    const database = await createTestDatabase({ seed: false });
    let opened = 0;
    const check = readinessCheck(async () => {
      opened += 1;
      return database;
    }, 1_000);
    const [a, b, c] = [check(), check(), check()];
    expect(a).toBe(b);
    expect(b).toBe(c);
    expect(await a).toEqual({ ready: true });
    expect(opened).toBe(1);
    expect(await check()).toEqual({ ready: true });
    expect(opened).toBe(2);

    await database.close();
    expect(await check()).toEqual({ ready: false, reason: NOT_ANSWERING });
  });
});

describe(`GET /api/health and /api/health/live (${testBackend})`, () => {
  it('answers 503 with the reason until the database is migrated, then 200; liveness answers 200 throughout', FROM_NOTHING, async () => {
    const { url } = await emptyDatabase();
    if (url) process.env.DATABASE_URL = url;
    else process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'health-test-'));
    process.env.SEED_DEMO = 'false';
    const { GET: health } = await import('./route');
    const { GET: live } = await import('./live/route');
    const { getDatabase } = await import('@/lib/db');
    cleanups.push(async () => {
      await (await getDatabase()).close();
      if (!url) fs.rmSync(process.env.DATA_DIR!, { recursive: true, force: true });
    });

    // On PostgreSQL another instance holds the migration lock; PGlite usually takes longer to start
    // than the check waits.
    let release = async () => {};
    if (url) {
      const holder = new Client({ connectionString: url });
      await holder.connect();
      await holder.query('select pg_advisory_lock(727100401)');
      release = () => holder.end();
      cleanups.push(() => holder.end().catch(() => undefined));
    }
    const first = await health();
    expect(live().status).toBe(200);
    expect(await live().json()).toEqual({ status: 'ok' });
    if (url || first.status !== 200) {
      expect(first.status).toBe(503);
      expect(first.headers.get('cache-control')).toBe('no-store');
      expect(await first.json()).toEqual({ status: 'unavailable', reason: NOT_STARTED });
    }
    await release();
    await getDatabase();
    const ready = await health();
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok' });
  });
});
