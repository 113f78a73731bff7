import { describe, expect, it } from 'vitest';
import { tokenFormSchema } from '@/lib/validations/tokens';
import { CHOOSE_EXPIRY_MESSAGE, isExpired, parseExpiryDate, presetExpiry, resolveExpiry } from './expiration';
import { tokenState } from './status';
import { tokenFormFields } from './test-support';

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

describe('what "expired" means', () => {
  const now = new Date('2024-02-29T12:00:00Z');

  it('is an expiry at or before now, in the statuses shown and in the form prefill alike', () => {
    expect(isExpired(new Date('2024-02-29T11:59:59.999Z'), now)).toBe(true);
    expect(isExpired(new Date(now), now)).toBe(true);
    expect(isExpired('2024-02-29T12:00:00.000Z', now)).toBe(true);
    expect(isExpired(new Date('2024-02-29T12:00:00.001Z'), now)).toBe(false);
    expect(isExpired(null, now)).toBe(false);
    for (const expiresAt of [new Date(now.getTime() - 1), new Date(now), new Date(now.getTime() + 1), null]) {
      expect(tokenState({ status: 'active', expiresAt }, now) === 'Expired').toBe(isExpired(expiresAt, now));
    }
  });

  it('a custom date is one the forms and the server read the same way', () => {
    expect(parseExpiryDate('2024-03-01T00:00:00Z')).toEqual(new Date('2024-03-01T00:00:00Z'));
    expect(parseExpiryDate('')).toBeNull();
    expect(parseExpiryDate('next week')).toBeNull();
    const form = (expiresAt: string) => tokenFormSchema.safeParse({ ...tokenFormFields(), expiration: 'custom', expiresAt });
    expect(form('next week').error?.issues.map((i) => i.message)).toContain(CHOOSE_EXPIRY_MESSAGE);
    expect(form('2999-01-01T00:00:00Z').success).toBe(true);
  });
});
