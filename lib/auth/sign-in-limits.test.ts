import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Database } from '@/lib/db/client';
import { users } from '@/lib/db/schema';
import { createTestDatabase, testBackend, testPostgresOptions, type TestDatabase } from '@/lib/db/testing';
import { TableFailureStore } from '@/lib/failure-counts';
import { freshFailureStores } from '@/lib/testing/failure-stores';
import { hashPassword } from './password';
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
  // Stand-ins for password hashes: only that they differ matters here.
  const HASH = 'scrypt$16384$8$1$salt$key';
  const NEWER = 'scrypt$16384$8$1$other-salt$other-key';

  it('vouches for the emails this browser signed in as, and for no other', () => {
    const cookie = rememberDevice(null, 'bob@example.com', HASH, SECRET);
    const device = knownDevice(cookie, 'bob@example.com', HASH, SECRET);
    expect(device).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(knownDevice(cookie, 'BOB@example.com ', HASH, SECRET)).toBe(device);
    expect(knownDevice(cookie, 'alice@example.com', HASH, SECRET)).toBeNull();
    expect(cookie).not.toContain('bob');

    const both = rememberDevice(cookie, 'alice@example.com', NEWER, SECRET);
    expect(knownDevice(both, 'alice@example.com', NEWER, SECRET)).toBe(device);
    expect(knownDevice(both, 'bob@example.com', HASH, SECRET)).toBe(device);
    expect(rememberDevice(both, 'bob@example.com', HASH, SECRET).split('.')).toHaveLength(3);
  });

  it('vouches only for the password it was made with; signing in with a new one replaces that email’s tag', () => {
    const cookie = rememberDevice(rememberDevice(null, 'alice@example.com', HASH, SECRET), 'bob@example.com', HASH, SECRET);
    const device = knownDevice(cookie, 'bob@example.com', HASH, SECRET);
    expect(knownDevice(cookie, 'bob@example.com', NEWER, SECRET)).toBeNull();
    // Nor for no password, as an unknown email or a person with none has.
    expect(knownDevice(cookie, 'bob@example.com', null, SECRET)).toBeNull();

    const renewed = rememberDevice(cookie, 'bob@example.com', NEWER, SECRET);
    expect(knownDevice(renewed, 'bob@example.com', NEWER, SECRET)).toBe(device);
    expect(knownDevice(renewed, 'bob@example.com', HASH, SECRET)).toBeNull();
    expect(knownDevice(renewed, 'alice@example.com', HASH, SECRET)).toBe(device);
    expect(renewed.split('.')).toHaveLength(3);
  });

  it('cannot be forged or moved to another device', () => {
    const cookie = rememberDevice(null, 'bob@example.com', HASH, SECRET);
    expect(knownDevice(cookie, 'bob@example.com', HASH, `${SECRET}-other`)).toBeNull();
    const [, tag] = cookie.split('.');
    expect(knownDevice(`${'A'.repeat(22)}.${tag}`, 'bob@example.com', HASH, SECRET)).toBeNull();
    for (const junk of ['', '.', 'x', `${cookie}.`, `${cookie}=`, 'a'.repeat(10_000), `${'A'.repeat(22)}.${'B'.repeat(22)}`]) {
      expect(knownDevice(junk, 'bob@example.com', HASH, SECRET)).toBeNull();
    }
  });

  it('keeps the last five emails', () => {
    let cookie: string | null = null;
    for (let i = 0; i < 7; i++) cookie = rememberDevice(cookie, `user-${i}@example.com`, HASH, SECRET);
    expect(knownDevice(cookie, 'user-6@example.com', HASH, SECRET)).not.toBeNull();
    expect(knownDevice(cookie, 'user-2@example.com', HASH, SECRET)).not.toBeNull();
    expect(knownDevice(cookie, 'user-1@example.com', HASH, SECRET)).toBeNull();
  });

  it('is read from the Cookie header of a request', () => {
    const cookie = rememberDevice(null, 'bob@example.com', HASH, SECRET);
    const headers = new Headers({ cookie: `a=1; ${DEVICE_COOKIE}=${cookie}; b=2`, 'x-forwarded-for': '203.0.113.5' });
    expect(deviceCookie(headers)).toBe(cookie);
    expect(deviceCookie(new Headers())).toBeNull();
  });
});

// The person's password as the database holds it now decides whether a device cookie counts.
describe(`a sign-in’s device cookie and the person’s current password (${testBackend})`, () => {
  let n = 0;
  const request = (cookie: string, ip = '203.0.113.5') => new Headers({ cookie: `${DEVICE_COOKIE}=${cookie}`, 'x-forwarded-for': ip });

  /** A person with a password, and a device cookie made when they signed in with it. */
  async function signedInBefore() {
    const email = `device-${++n}@example.com`;
    const [person] = await database.db
      .insert(users)
      .values({ email, name: 'Device', passwordHash: await hashPassword('old password') })
      .returning({ id: users.id, passwordHash: users.passwordHash });
    return { email, id: person!.id, cookie: rememberDevice(null, email, person!.passwordHash!) };
  }

  /** Failures from many clients, enough to reach the email's limit. */
  async function flood(limits: SignInLimits, email: string) {
    for (let i = 0; i < 30; i++) await limits.fail({ ip: `192.0.2.${i}`, email }, T);
  }

  it('counts the browser on its own while the password is the one it signed in with', async () => {
    const { email, cookie } = await signedInBefore();
    const attempt = await signInAttempt(database.db, request(cookie), email);
    expect(attempt).toEqual({ ip: '203.0.113.5', email, device: cookie.split('.')[0] });
    expect((await signInAttempt(database.db, request(cookie), ` ${email.toUpperCase()}`)).device).toBe(attempt.device);
    expect((await signInAttempt(database.db, request(cookie), 'alice@example.com')).device).toBeNull();
    const limits = new SignInLimits();
    await flood(limits, email);
    expect(await limits.retryAfter({ ip: '203.0.113.5', email }, T)).toBe(600);
    expect(await limits.retryAfter(attempt, T)).toBe(0);
  });

  it('counts a browser that signed in before a new password as any other client', async () => {
    const { email, id, cookie } = await signedInBefore();
    const newHash = await hashPassword('new password');
    await database.db.update(users).set({ passwordHash: newHash }).where(eq(users.id, id));
    const stale = await signInAttempt(database.db, request(cookie), email);
    expect(stale.device).toBeNull();
    const limits = new SignInLimits();
    await flood(limits, email);
    expect(await limits.retryAfter(stale, T)).toBe(600);
    // The same browser signing in with the new password is its owner's again.
    const renewed = rememberDevice(cookie, email, newHash);
    expect((await signInAttempt(database.db, request(renewed), email)).device).toBe(cookie.split('.')[0]);
  });

  it('counts a browser for an email nobody has, or whose person has no password, as any other client', async () => {
    const gone = await signedInBefore();
    await database.db.delete(users).where(eq(users.id, gone.id));
    const sso = await signedInBefore();
    await database.db.update(users).set({ passwordHash: null }).where(eq(users.id, sso.id));
    const limits = new SignInLimits();
    for (const { email, cookie } of [gone, sso]) {
      const attempt = await signInAttempt(database.db, request(cookie), email);
      expect(attempt.device).toBeNull();
      await flood(limits, email);
      expect(await limits.retryAfter(attempt, T)).toBe(600);
    }
    // Not even a cookie for what is no email at all is looked up.
    expect((await signInAttempt(database.db, request(gone.cookie), `${gone.email}\u0000`)).device).toBeNull();
    expect((await signInAttempt(database.db, new Headers(), gone.email)).device).toBeNull();
  });
});
