import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Database } from '@/lib/db/client';
import { createTestDatabase, testBackend, testPostgresOptions, type TestDatabase } from '@/lib/db/testing';
import { TableFailureStore } from '@/lib/failure-counts';
import { freshFailureStores } from '@/lib/testing/failure-stores';
import { DEVICE_COOKIE, deviceCookie, knownDevice, rememberDevice } from './sign-in-device';
import { signInAttempt, SignInLimits, type SignInAttempt } from './sign-in-limits';

const SECRET = 'test-secret-0123456789abcdefghijklmnopqrstuvwxyz';
const T = 1_000_000;

let database: TestDatabase;

beforeAll(async () => {
  vi.stubEnv('AUTH_SECRET', SECRET);
  database = await createTestDatabase({ seed: false });
});
afterAll(() => database.close());

async function failTimes(limits: SignInLimits, attempt: SignInAttempt, times: number, now = T) {
  for (let i = 0; i < times; i++) {
    if ((await limits.retryAfter(attempt, now)) > 0) return i;
    await limits.fail(attempt, now);
  }
  return times;
}

const stores = freshFailureStores(() => database.db);

describe.each(stores)('sign-in limits, counted %s', (_, store) => {
  const fresh = async () => new SignInLimits(await store());

  it('failing on someone’s email from one client does not lock them out from another', async () => {
    const limits = await fresh();
    const attacker = { ip: '198.51.100.7', email: 'bob@example.com' };
    expect(await failTimes(limits, attacker, 50)).toBe(10);
    expect(await limits.retryAfter(attacker, T)).toBe(600);
    expect(await limits.retryAfter({ ip: '203.0.113.9', email: 'bob@example.com' }, T)).toBe(0);
    expect(await limits.retryAfter({ ip: '198.51.100.7', email: 'alice@example.com' }, T)).toBe(0);
  });

  it('lets at most the limit of attempts made at once go ahead, and a right password counts nothing', async () => {
    const limits = await fresh();
    const attacker = { ip: '198.51.100.7', email: 'bob@example.com' };
    const waits = (await Promise.all(Array.from({ length: 40 }, () => limits.reserve(attacker, T)))).map((r) => r.wait);
    expect(waits.filter((w) => w === 0)).toHaveLength(10);
    expect(waits.filter((w) => w === 600)).toHaveLength(30);
    expect(await limits.retryAfter(attacker, T)).toBe(600);
    // The owner signs in again and again from elsewhere: each right password takes its count back.
    const owner = { ip: '203.0.113.9', email: 'bob@example.com' };
    for (let i = 0; i < 15; i++) {
      const reservation = await limits.reserve(owner, T);
      expect(reservation.wait).toBe(0);
      await reservation.release();
    }
    expect(await limits.retryAfter(owner, T)).toBe(0);
    // Twenty failures on the email in all: the current password checked to change it has ten left.
    for (let i = 0; i < 10; i++) await limits.fail({ ip: `203.0.113.${i}`, email: 'bob@example.com' }, T);
    const checks = await Promise.all(Array.from({ length: 20 }, () => limits.reservePasswordCheck(' Bob@example.com', T)));
    expect(checks.filter((r) => r.wait === 0)).toHaveLength(10);
    expect(await limits.retryAfter({ ip: '203.0.113.50', email: 'bob@example.com' }, T)).toBe(600);
  });

  it('limits one client across emails', async () => {
    const limits = await fresh();
    for (let i = 0; i < 20; i++) await limits.fail({ ip: '198.51.100.7', email: `nobody-${i}@example.com` }, T);
    expect(await limits.retryAfter({ ip: '198.51.100.7', email: 'alice@example.com' }, T)).toBe(600);
    expect(await limits.retryAfter({ ip: '198.51.100.7' }, T)).toBe(600);
    expect(await limits.retryAfter({ ip: '198.51.100.8', email: 'alice@example.com' }, T)).toBe(0);
  });

  it('counts an IPv6 client by its /64', async () => {
    const limits = await fresh();
    for (let i = 0; i < 20; i++) await limits.fail({ ip: `2001:db8:1:2::${i.toString(16)}`, email: `n${i}@example.com` }, T);
    expect(await limits.retryAfter({ ip: '2001:db8:1:2:ffff::1' }, T)).toBe(600);
    expect(await limits.retryAfter({ ip: '2001:db8:1:3::1' }, T)).toBe(0);
  });

  it('caps guessing one email from many clients at 30 per window, but lets the owner’s own browser in', async () => {
    const limits = await fresh();
    const email = 'bob@example.com';
    let failures = 0;
    for (let c = 0; c < 10; c++) failures += await failTimes(limits, { ip: `198.51.100.${c}`, email }, 10);
    expect(failures).toBe(30);
    expect(await limits.retryAfter({ ip: '203.0.113.1', email }, T)).toBe(600);
    expect(await limits.retryAfter({ ip: '203.0.113.1', email, device: 'owner-device' }, T)).toBe(0);
    // Even from an address that failed too often itself.
    expect(await limits.retryAfter({ ip: '198.51.100.0', email, device: 'owner-device' }, T)).toBe(0);
    // Other emails are not affected; the window ends for everyone.
    expect(await limits.retryAfter({ ip: '203.0.113.1', email: 'alice@example.com' }, T)).toBe(0);
    expect(await limits.retryAfter({ ip: '203.0.113.1', email }, T + 600_001)).toBe(0);
  });

  it('limits a known browser on its own', async () => {
    const limits = await fresh();
    const known = { ip: '203.0.113.1', email: 'bob@example.com', device: 'owner-device' };
    expect(await failTimes(limits, known, 50)).toBe(10);
    expect(await limits.retryAfter(known, T)).toBe(600);
    // Its failures do not block the email for others, nor the address.
    expect(await limits.retryAfter({ ip: '203.0.113.2', email: 'bob@example.com' }, T)).toBe(0);
    expect(await limits.retryAfter({ ip: '203.0.113.1', email: 'alice@example.com' }, T)).toBe(0);
  });

  it('counts emails whatever their case and spacing, and bounds junk', async () => {
    const limits = await fresh();
    for (let i = 0; i < 10; i++) await limits.fail({ ip: '198.51.100.7', email: i % 2 ? ' Bob@Example.com ' : 'bob@example.com' }, T);
    expect(await limits.retryAfter({ ip: '198.51.100.7', email: 'BOB@example.com' }, T)).toBe(600);
    const junk = 'x'.repeat(100_000);
    await limits.fail({ ip: '198.51.100.9', email: junk }, T);
    expect(await limits.retryAfter({ ip: '198.51.100.9', email: junk.slice(0, 320) }, T)).toBe(0);
  });
});

// Two instances: each has its own pool and its own SignInLimits, and they share only the database.
describe.skipIf(testBackend !== 'postgres')('sign-in limits of two instances on one PostgreSQL database', () => {
  let other: Database;

  beforeAll(async () => {
    other = await openDatabase(testPostgresOptions(database.url!, 2));
  });
  afterAll(() => other.close());

  it('hold for both together, not once per instance', async () => {
    await database.db.execute('delete from failure_counts');
    const first = new SignInLimits(new TableFailureStore(async () => database.db));
    const second = new SignInLimits(new TableFailureStore(async () => other.db));
    const attacker = { ip: '198.51.100.70', email: 'bob@example.com' };
    // Alternating, as a load balancer would send them: 10 failures in all, not 10 on each.
    let failures = 0;
    for (let i = 0; i < 40; i++) {
      const instance = i % 2 === 0 ? first : second;
      if ((await instance.retryAfter(attacker, T)) > 0) continue;
      await instance.fail(attacker, T);
      failures++;
    }
    expect(failures).toBe(10);
    expect(await first.retryAfter(attacker, T)).toBe(600);
    expect(await second.retryAfter(attacker, T)).toBe(600);
    // Failures made at the same moment on both are all counted.
    const parallel = { ip: '198.51.100.71', email: 'alice@example.com' };
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? first : second).fail(parallel, T)));
    expect(await second.retryAfter(parallel, T)).toBe(600);
  });

  it('store no address and no email', async () => {
    await new SignInLimits(new TableFailureStore(async () => other.db)).fail({ ip: '198.51.100.72', email: 'carol@example.com' }, T);
    const rows = await database.db.execute('select scope, key from failure_counts');
    const text = JSON.stringify((rows as unknown as { rows: unknown[] }).rows);
    expect(text).not.toContain('198.51.100');
    expect(text).not.toContain('carol');
    expect(text).toContain('sign-in:email');
  });
});

describe('the sign-in device cookie', () => {
  it('vouches for the emails this browser signed in as, and for no other', () => {
    const cookie = rememberDevice(null, 'bob@example.com', SECRET);
    const device = knownDevice(cookie, 'bob@example.com', SECRET);
    expect(device).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(knownDevice(cookie, 'BOB@example.com ', SECRET)).toBe(device);
    expect(knownDevice(cookie, 'alice@example.com', SECRET)).toBeNull();
    expect(cookie).not.toContain('bob');

    const both = rememberDevice(cookie, 'alice@example.com', SECRET);
    expect(knownDevice(both, 'alice@example.com', SECRET)).toBe(device);
    expect(knownDevice(both, 'bob@example.com', SECRET)).toBe(device);
    expect(rememberDevice(both, 'bob@example.com', SECRET).split('.')).toHaveLength(3);
  });

  it('cannot be forged or moved to another device', () => {
    const cookie = rememberDevice(null, 'bob@example.com', SECRET);
    expect(knownDevice(cookie, 'bob@example.com', `${SECRET}-other`)).toBeNull();
    const [, tag] = cookie.split('.');
    expect(knownDevice(`${'A'.repeat(22)}.${tag}`, 'bob@example.com', SECRET)).toBeNull();
    for (const junk of ['', '.', 'x', `${cookie}.`, `${cookie}=`, 'a'.repeat(10_000), `${'A'.repeat(22)}.${'B'.repeat(22)}`]) {
      expect(knownDevice(junk, 'bob@example.com', SECRET)).toBeNull();
    }
  });

  it('keeps the last five emails', () => {
    let cookie: string | null = null;
    for (let i = 0; i < 7; i++) cookie = rememberDevice(cookie, `user-${i}@example.com`, SECRET);
    expect(knownDevice(cookie, 'user-6@example.com', SECRET)).not.toBeNull();
    expect(knownDevice(cookie, 'user-2@example.com', SECRET)).not.toBeNull();
    expect(knownDevice(cookie, 'user-1@example.com', SECRET)).toBeNull();
  });

  it('is read from the Cookie header of a request', () => {
    const cookie = rememberDevice(null, 'bob@example.com', SECRET);
    const headers = new Headers({ cookie: `a=1; ${DEVICE_COOKIE}=${cookie}; b=2`, 'x-forwarded-for': '203.0.113.5' });
    expect(deviceCookie(headers)).toBe(cookie);
    expect(deviceCookie(new Headers())).toBeNull();
    const withSecret = rememberDevice(null, 'bob@example.com');
    const attempt = signInAttempt(new Headers({ cookie: `${DEVICE_COOKIE}=${withSecret}`, 'x-forwarded-for': '203.0.113.5' }), 'bob@example.com');
    expect(attempt).toEqual({ ip: '203.0.113.5', email: 'bob@example.com', device: withSecret.split('.')[0] });
    expect(signInAttempt(new Headers({ cookie: `${DEVICE_COOKIE}=${withSecret}` }), 'alice@example.com').device).toBeNull();
  });
});
