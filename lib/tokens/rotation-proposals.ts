// What the rotate dialog proposes, and the bounds of "Old token expires at" (PRODUCT.md §5).
// Pure and time-zone explicit, so the browser can compute the user's local date and tests can
// check it around month ends and across zones.

import { formatDateTime } from './display';
import { choiceWithin, latestAllowedExpiry, lifetimeRefusal, type ExpirationChoice } from './expiration';
import { composeName } from './names';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How long the old token keeps working by default when it expires "Later". */
export const DEFAULT_OVERLAP_MS = DAY_MS;
/**
 * The longest overlap (rule 2): a superseded token counts against the limit until it ends, so a
 * short bound keeps both tokens of a rotation from holding two places for long.
 */
export const MAX_OVERLAP_DAYS = 7;
export const MAX_OVERLAP_MS = MAX_OVERLAP_DAYS * DAY_MS;
export const OVERLAP_TOO_LONG_MESSAGE = `"Old token expires at" can be at most ${MAX_OVERLAP_DAYS} days from now`;

/** The latest "Old token expires at" allowed at `now`: a week ahead, or the token's own expiry if sooner. */
export function latestOldExpiry(oldExpiresAt: Date | null, now: Date): Date {
  const cap = new Date(now.getTime() + MAX_OVERLAP_MS);
  return oldExpiresAt && oldExpiresAt.getTime() < cap.getTime() ? oldExpiresAt : cap;
}

/** `dd.MM.yyyy` of the instant in the time zone. */
export function formatDayMonthYear(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, day: '2-digit', month: '2-digit', year: 'numeric' }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('day')}.${part('month')}.${part('year')}`;
}

/** "Token name" of the new token: `<name> <dd.MM.yyyy>` of the user's today, within 255 characters. */
export function proposeRotationName(name: string, now: Date, timeZone: string): string {
  return composeName('', name, ` ${formatDayMonthYear(now, timeZone)}`);
}

/** "Expiration date" of the new token: the original's lifetime again from now, or never. */
export function proposeNewExpiry(original: { createdAt: Date; expiresAt: Date | null }, now: Date): Date | null {
  if (!original.expiresAt) return null;
  const lifetime = Math.max(original.expiresAt.getTime() - original.createdAt.getTime(), 60 * 1000);
  return new Date(now.getTime() + lifetime);
}

/**
 * The new token's "Expiration date" choice: the original's lifetime again (or "Never") when the
 * account's "Maximum lifetime" allows it, else the longest preset within the maximum, or a custom
 * date at the latest it allows.
 */
export function proposeNewExpiration(
  original: { createdAt: Date; expiresAt: Date | null },
  maxLifetimeDays: number | null,
  now: Date,
): { expiration: ExpirationChoice; expiresAt: string } {
  const next = proposeNewExpiry(original, now);
  if (lifetimeRefusal(next, maxLifetimeDays, now) === null) {
    return next ? { expiration: 'custom', expiresAt: next.toISOString() } : { expiration: 'never', expiresAt: '' };
  }
  const expiration = choiceWithin('never', maxLifetimeDays, now);
  const latest = expiration === 'custom' ? latestAllowedExpiry(maxLifetimeDays, now) : null;
  return { expiration, expiresAt: latest?.toISOString() ?? '' };
}

/** "Old token expires at" when it expires "Later": a day from now, but never after its own expiry. */
export function proposeOldExpiry(oldExpiresAt: Date | null, now: Date): Date {
  const proposal = new Date(now.getTime() + DEFAULT_OVERLAP_MS);
  return oldExpiresAt && oldExpiresAt.getTime() < proposal.getTime() ? oldExpiresAt : proposal;
}

export type BoundCheck = { ok: true } | { ok: false; message: string };

/**
 * "Old token expires at" must be after now, at most 7 days from now, and not after the old
 * token's own expiry.
 */
export function checkOldExpiry(at: Date, oldExpiresAt: Date | null, now: Date): BoundCheck {
  if (Number.isNaN(at.getTime())) return { ok: false, message: 'Choose when the old token expires' };
  if (at.getTime() <= now.getTime()) {
    return { ok: false, message: 'The old token must expire in the future; choose "Immediately" to stop it now' };
  }
  if (at.getTime() > now.getTime() + MAX_OVERLAP_MS) return { ok: false, message: OVERLAP_TOO_LONG_MESSAGE };
  if (oldExpiresAt && at.getTime() > oldExpiresAt.getTime()) {
    return {
      ok: false,
      message: `The old token already expires at ${formatDateTime(oldExpiresAt, 'UTC')}; choose that time or earlier`,
    };
  }
  return { ok: true };
}

/**
 * Why a token cannot be rotated, or null when it can: only an active token that has not been
 * rotated yet can be. `successorTokenId` is null when the successor has since been deleted.
 */
export function rotationRefusal(token: {
  tokenId: string;
  state: 'Active' | 'Disabled' | 'Expired';
  rotated: boolean;
  successorTokenId: string | null;
}): string | null {
  if (token.rotated) {
    return token.successorTokenId
      ? `${token.tokenId} was already rotated to ${token.successorTokenId}; rotate that token instead.`
      : `${token.tokenId} was already rotated (its successor has since been deleted); generate a new token instead.`;
  }
  if (token.state === 'Disabled') return `${token.tokenId} is disabled; enable it before rotating it.`;
  if (token.state === 'Expired') return `${token.tokenId} has expired; generate a new token instead.`;
  return null;
}
