import { describe, expect, it } from 'vitest';
import { validTimeZone, zonedDayStart } from './time-zone';

describe('days in a time zone', () => {
  it('starts a day at local midnight', () => {
    expect(zonedDayStart('2026-01-15', 'UTC').toISOString()).toBe('2026-01-15T00:00:00.000Z');
    expect(zonedDayStart('2026-01-15', 'Europe/Berlin').toISOString()).toBe('2026-01-14T23:00:00.000Z');
    expect(zonedDayStart('2026-07-15', 'Europe/Berlin').toISOString()).toBe('2026-07-14T22:00:00.000Z');
    expect(zonedDayStart('2026-01-15', 'America/New_York').toISOString()).toBe('2026-01-15T05:00:00.000Z');
    expect(zonedDayStart('2026-01-15', 'Asia/Kolkata').toISOString()).toBe('2026-01-14T18:30:00.000Z');
  });

  it('counts days across month ends and daylight saving changes', () => {
    expect(zonedDayStart('2026-01-31', 'UTC', 1).toISOString()).toBe('2026-02-01T00:00:00.000Z');
    // Berlin moves its clocks forward on 29 March 2026: that day has 23 hours.
    expect(zonedDayStart('2026-03-29', 'Europe/Berlin').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(zonedDayStart('2026-03-29', 'Europe/Berlin', 1).toISOString()).toBe('2026-03-29T22:00:00.000Z');
  });

  it('accepts only time zones the runtime knows', () => {
    expect(validTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(validTimeZone('UTC')).toBe('UTC');
    expect(validTimeZone('Mars/Olympus')).toBeNull();
    expect(validTimeZone("'; drop table")).toBeNull();
    expect(validTimeZone('')).toBeNull();
  });
});
