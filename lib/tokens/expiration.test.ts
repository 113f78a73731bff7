import { describe, expect, it } from 'vitest';
import { presetExpiry, resolveExpiry } from './expiration';

describe('token expiration choices', () => {
  const now = new Date('2024-02-29T12:00:00Z');

  it('counts presets from the moment of generation', () => {
    expect(presetExpiry('7d', now)?.toISOString()).toBe('2024-03-07T12:00:00.000Z');
    expect(presetExpiry('30d', now)?.toISOString()).toBe('2024-03-30T12:00:00.000Z');
    expect(presetExpiry('90d', now)?.toISOString()).toBe('2024-05-29T12:00:00.000Z');
    // A year after a leap day is the day after Feb 28.
    expect(presetExpiry('1y', now)?.toISOString()).toBe('2025-03-01T12:00:00.000Z');
    expect(presetExpiry('never', now)).toBeNull();
    expect(presetExpiry('custom', now)).toBeUndefined();
  });

  it('accepts a custom date only in the future and before the year 10000', () => {
    expect(resolveExpiry('custom', '2024-02-29T12:00:01Z', now)).toEqual({ ok: true, expiresAt: new Date('2024-02-29T12:00:01Z') });
    expect(resolveExpiry('custom', '2024-02-29T12:00:00Z', now)).toEqual({ ok: false, message: 'The expiration date must be in the future' });
    expect(resolveExpiry('custom', '', now)).toEqual({ ok: false, message: 'Choose the expiration date' });
    expect(resolveExpiry('custom', 'tomorrow', now)).toEqual({ ok: false, message: 'Choose the expiration date' });
    expect(resolveExpiry('custom', '+275760-01-01T00:00:00Z', now)).toMatchObject({ ok: false });
    expect(resolveExpiry('never', 'ignored', now)).toEqual({ ok: true, expiresAt: null });
  });
});
