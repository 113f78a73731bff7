import { describe, expect, it } from 'vitest';
import { resolveExpiryWithin } from './expiration';
import {
  checkOldExpiry,
  formatDayMonthYear,
  proposeNewExpiration,
  proposeNewExpiry,
  proposeOldExpiry,
  proposeRotationName,
} from './rotation-proposals';

describe('rotation proposals', () => {
  it("names the new token with the user's local date, around month and year ends", () => {
    const lateOnJan31Utc = new Date('2026-01-31T23:30:00Z');
    expect(proposeRotationName('CI', lateOnJan31Utc, 'UTC')).toBe('CI 31.01.2026');
    expect(proposeRotationName('CI', lateOnJan31Utc, 'Europe/Berlin')).toBe('CI 01.02.2026');
    expect(proposeRotationName('CI', lateOnJan31Utc, 'America/Los_Angeles')).toBe('CI 31.01.2026');
    const newYearInTokyo = new Date('2025-12-31T15:30:00Z');
    expect(formatDayMonthYear(newYearInTokyo, 'Asia/Tokyo')).toBe('01.01.2026');
    expect(formatDayMonthYear(newYearInTokyo, 'America/New_York')).toBe('31.12.2025');
    // Leap day, and a zone that is not a whole hour off UTC.
    expect(formatDayMonthYear(new Date('2024-02-28T19:00:00Z'), 'Asia/Kolkata')).toBe('29.02.2024');
  });

  it('keeps the proposed name within 255 characters', () => {
    const name = proposeRotationName('n'.repeat(255), new Date('2026-03-01T00:00:00Z'), 'UTC');
    expect(name).toHaveLength(255);
    expect(name.endsWith('n 01.03.2026')).toBe(true);
  });

  it('proposes the same lifetime as the original, or never', () => {
    const original = { createdAt: new Date('2026-01-31T10:00:00Z'), expiresAt: new Date('2026-02-28T10:00:00Z') };
    expect(proposeNewExpiry(original, new Date('2026-03-31T12:00:00Z'))?.toISOString()).toBe('2026-04-28T12:00:00.000Z');
    expect(proposeNewExpiry({ ...original, expiresAt: null }, new Date())).toBeNull();
  });

  it("proposes an expiration within the account's maximum lifetime: the original's again, else the longest preset within it, else its latest date", () => {
    const now = new Date('2026-03-31T12:00:00Z');
    const never = { createdAt: new Date('2026-01-01T00:00:00Z'), expiresAt: null };
    const year = { createdAt: new Date('2025-03-31T12:00:00Z'), expiresAt: new Date('2026-03-31T12:00:00Z') };
    const week = { createdAt: new Date('2026-03-01T00:00:00Z'), expiresAt: new Date('2026-03-08T00:00:00Z') };
    const cases = [
      [never, null, { expiration: 'never', expiresAt: '' }],
      [never, 30, { expiration: '30d', expiresAt: '' }],
      [year, 90, { expiration: '90d', expiresAt: '' }],
      [year, 45, { expiration: '30d', expiresAt: '' }],
      [never, 5, { expiration: 'custom', expiresAt: '2026-04-05T12:00:00.000Z' }],
      [week, 30, { expiration: 'custom', expiresAt: '2026-04-07T12:00:00.000Z' }],
      [week, 7, { expiration: 'custom', expiresAt: '2026-04-07T12:00:00.000Z' }],
    ] as const;
    for (const [original, max, expected] of cases) {
      const proposal = proposeNewExpiration(original, max, now);
      expect(proposal, `${String(original.expiresAt)} under ${max}`).toEqual(expected);
      // What the dialog proposes, the server accepts.
      expect(resolveExpiryWithin(proposal.expiration, proposal.expiresAt, max, now).ok).toBe(true);
    }
  });

  it('lets the old token run a day longer by default, but not past its own expiry', () => {
    const now = new Date('2026-03-31T22:00:00Z');
    expect(proposeOldExpiry(null, now).toISOString()).toBe('2026-04-01T22:00:00.000Z');
    const soon = new Date('2026-04-01T01:00:00Z');
    expect(proposeOldExpiry(soon, now)).toEqual(soon);
  });

  it('accepts an old expiry after now, within 7 days and not after the old token expires', () => {
    const now = new Date('2026-04-30T23:59:00Z');
    const own = new Date('2026-05-01T00:30:00Z');
    expect(checkOldExpiry(new Date('2026-05-01T00:00:00Z'), own, now)).toEqual({ ok: true });
    expect(checkOldExpiry(own, own, now)).toEqual({ ok: true });
    expect(checkOldExpiry(new Date(own.getTime() + 1), own, now)).toEqual({
      ok: false,
      message: 'The old token already expires at May 1, 2026, 12:30 AM UTC; choose that time or earlier',
    });
    expect(checkOldExpiry(now, own, now)).toMatchObject({ ok: false });
    // At most 7 days from now, however long the old token would have lived.
    const week = new Date(now.getTime() + 7 * 24 * 60 * 60 * 1000);
    expect(checkOldExpiry(week, null, now)).toEqual({ ok: true });
    expect(checkOldExpiry(new Date(week.getTime() + 1), null, now)).toEqual({
      ok: false,
      message: '"Old token expires at" can be at most 7 days from now',
    });
    expect(checkOldExpiry(new Date('2030-01-01T00:00:00Z'), null, now)).toMatchObject({ ok: false });
    expect(checkOldExpiry(new Date('nope'), null, now)).toMatchObject({ ok: false });
  });
});
