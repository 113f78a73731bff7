import { beforeAll, describe, expect, it, vi } from 'vitest';
import { DEVICE_COOKIE, deviceCookie, knownDevice, rememberDevice } from './sign-in-device';
import { signInAttempt, SignInLimits, type SignInAttempt } from './sign-in-limits';

const SECRET = 'test-secret-0123456789abcdefghijklmnopqrstuvwxyz';
const T = 1_000_000;

beforeAll(() => {
  vi.stubEnv('AUTH_SECRET', SECRET);
});

function failTimes(limits: SignInLimits, attempt: SignInAttempt, times: number, now = T) {
  for (let i = 0; i < times; i++) {
    if (limits.retryAfter(attempt, now) > 0) return i;
    limits.fail(attempt, now);
  }
  return times;
}

describe('sign-in limits', () => {
  it('failing on someone’s email from one client does not lock them out from another', () => {
    const limits = new SignInLimits();
    const attacker = { ip: '198.51.100.7', email: 'bob@example.com' };
    expect(failTimes(limits, attacker, 50)).toBe(10);
    expect(limits.retryAfter(attacker, T)).toBe(600);
    expect(limits.retryAfter({ ip: '203.0.113.9', email: 'bob@example.com' }, T)).toBe(0);
    expect(limits.retryAfter({ ip: '198.51.100.7', email: 'alice@example.com' }, T)).toBe(0);
  });

  it('limits one client across emails', () => {
    const limits = new SignInLimits();
    for (let i = 0; i < 20; i++) limits.fail({ ip: '198.51.100.7', email: `nobody-${i}@example.com` }, T);
    expect(limits.retryAfter({ ip: '198.51.100.7', email: 'alice@example.com' }, T)).toBe(600);
    expect(limits.retryAfter({ ip: '198.51.100.7' }, T)).toBe(600);
    expect(limits.retryAfter({ ip: '198.51.100.8', email: 'alice@example.com' }, T)).toBe(0);
  });

  it('counts an IPv6 client by its /64', () => {
    const limits = new SignInLimits();
    for (let i = 0; i < 20; i++) limits.fail({ ip: `2001:db8:1:2::${i.toString(16)}`, email: `n${i}@example.com` }, T);
    expect(limits.retryAfter({ ip: '2001:db8:1:2:ffff::1' }, T)).toBe(600);
    expect(limits.retryAfter({ ip: '2001:db8:1:3::1' }, T)).toBe(0);
  });

  it('caps guessing one email from many clients at 30 per window, but lets the owner’s own browser in', () => {
    const limits = new SignInLimits();
    const email = 'bob@example.com';
    let failures = 0;
    for (let c = 0; c < 10; c++) failures += failTimes(limits, { ip: `198.51.100.${c}`, email }, 10);
    expect(failures).toBe(30);
    expect(limits.retryAfter({ ip: '203.0.113.1', email }, T)).toBe(600);
    expect(limits.retryAfter({ ip: '203.0.113.1', email, device: 'owner-device' }, T)).toBe(0);
    // Even from an address that failed too often itself.
    expect(limits.retryAfter({ ip: '198.51.100.0', email, device: 'owner-device' }, T)).toBe(0);
    // Other emails are not affected; the window ends for everyone.
    expect(limits.retryAfter({ ip: '203.0.113.1', email: 'alice@example.com' }, T)).toBe(0);
    expect(limits.retryAfter({ ip: '203.0.113.1', email }, T + 600_001)).toBe(0);
  });

  it('limits a known browser on its own', () => {
    const limits = new SignInLimits();
    const known = { ip: '203.0.113.1', email: 'bob@example.com', device: 'owner-device' };
    expect(failTimes(limits, known, 50)).toBe(10);
    expect(limits.retryAfter(known, T)).toBe(600);
    // Its failures do not block the email for others, nor the address.
    expect(limits.retryAfter({ ip: '203.0.113.2', email: 'bob@example.com' }, T)).toBe(0);
    expect(limits.retryAfter({ ip: '203.0.113.1', email: 'alice@example.com' }, T)).toBe(0);
  });

  it('counts emails whatever their case and spacing, and bounds junk', () => {
    const limits = new SignInLimits();
    for (let i = 0; i < 10; i++) limits.fail({ ip: '198.51.100.7', email: i % 2 ? ' Bob@Example.com ' : 'bob@example.com' }, T);
    expect(limits.retryAfter({ ip: '198.51.100.7', email: 'BOB@example.com' }, T)).toBe(600);
    const junk = 'x'.repeat(100_000);
    limits.fail({ ip: '198.51.100.9', email: junk }, T);
    expect(limits.retryAfter({ ip: '198.51.100.9', email: junk.slice(0, 320) }, T)).toBe(0);
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
