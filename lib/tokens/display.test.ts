import { describe, expect, it } from 'vitest';
import { expiresSoon, formatDateTime, formatExactTime, formatRelativeTime } from './display';

describe('token display helpers', () => {
  const now = new Date('2026-03-31T12:00:00Z');
  const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);

  it('says how long ago, in the largest fitting unit', () => {
    expect(formatRelativeTime(ago(5), now)).toBe('just now');
    expect(formatRelativeTime(ago(60), now)).toBe('1 minute ago');
    expect(formatRelativeTime(ago(3 * 3600), now)).toBe('3 hours ago');
    expect(formatRelativeTime(ago(24 * 3600), now)).toBe('yesterday');
    expect(formatRelativeTime(ago(400 * 24 * 3600), now)).toBe('last year');
    expect(formatRelativeTime(new Date(now.getTime() + 2 * 24 * 3600 * 1000), now)).toBe('in 2 days');
  });

  it('counts a token lifetime in days up to two months, then in months and years', () => {
    const later = (days: number) => new Date(now.getTime() + days * 24 * 3600 * 1000 - 5000);
    expect(formatRelativeTime(later(7), now)).toBe('in 7 days');
    expect(formatRelativeTime(later(30), now)).toBe('in 30 days');
    expect(formatRelativeTime(later(60), now)).toBe('in 60 days');
    expect(formatRelativeTime(later(90), now)).toBe('in 3 months');
    expect(formatRelativeTime(later(365), now)).toBe('next year');
    expect(formatRelativeTime(ago(50 * 60), now)).toBe('1 hour ago');
  });

  it('formats an exact time in a given time zone', () => {
    expect(formatDateTime(now, 'UTC')).toBe('Mar 31, 2026, 12:00 PM UTC');
    expect(formatDateTime(now, 'Asia/Tokyo')).toMatch(/^Mar 31, 2026, 9:00 PM GMT\+9$/);
  });

  it('names the time zone of an exact time, also without one given', () => {
    expect(formatDateTime(now)).toMatch(/(UTC|GMT[+-]\d+|[A-Z]{3,4})$/);
    expect(formatExactTime(now, 'Europe/Berlin')).toBe('Mar 31, 2026, 2:00 PM GMT+2 (Europe/Berlin)');
    expect(formatExactTime(now, 'UTC')).toBe('Mar 31, 2026, 12:00 PM UTC');
  });

  it('marks tokens that expire within seven days, not expired or never-expiring ones', () => {
    const inDays = (days: number) => new Date(now.getTime() + days * 24 * 3600 * 1000);
    expect(expiresSoon(inDays(6.9), now)).toBe(true);
    expect(expiresSoon(inDays(7), now)).toBe(true);
    expect(expiresSoon(inDays(7.1), now)).toBe(false);
    expect(expiresSoon(inDays(-1), now)).toBe(false);
    expect(expiresSoon(null, now)).toBe(false);
  });
});
