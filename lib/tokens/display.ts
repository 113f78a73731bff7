// Pure formatting of token dates for tables and dialogs, shared by every page that lists tokens.

const LOCALE = 'en-US';

const relative = new Intl.RelativeTimeFormat(LOCALE, { numeric: 'auto' });

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * "5 minutes ago", "in 30 days", "just now" — relative to `now`. Days up to two months (token
 * lifetimes are chosen in days: 7, 30, 60, 90), then months, then years.
 */
export function formatRelativeTime(date: Date, now: Date): string {
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return seconds <= 0 ? 'just now' : 'in a few seconds';
  if (abs < 45 * MINUTE) return relative.format(Math.round(seconds / MINUTE), 'minute');
  if (abs < 22 * HOUR) return relative.format(Math.round(seconds / HOUR), 'hour');
  if (abs < 61 * DAY) return relative.format(Math.round(seconds / DAY), 'day');
  if (abs < 350 * DAY) return relative.format(Math.round(seconds / (30.44 * DAY)), 'month');
  return relative.format(Math.round(seconds / (365.25 * DAY)), 'year');
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * "Mar 5, 2026, 2:30 PM GMT+1" in the given time zone (the runtime's own when omitted): always
 * with the zone, so an exact time never reads as another zone's.
 */
export function formatDateTime(date: Date, timeZone?: string): string {
  const key = timeZone ?? '';
  let format = dateTimeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(LOCALE, {
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZoneName: 'short',
      ...(timeZone ? { timeZone } : {}),
    });
    dateTimeFormats.set(key, format);
  }
  return format.format(date);
}

/** The exact time with the zone's name as well: "Mar 5, 2026, 2:30 PM GMT+1 (Europe/Berlin)". */
export function formatExactTime(date: Date, timeZone: string): string {
  const exact = formatDateTime(date, timeZone);
  return timeZone === 'UTC' ? exact : `${exact} (${timeZone})`;
}

/** Tokens that expire within this long are marked in every list. */
export const EXPIRING_SOON_MS = 7 * 24 * 60 * 60 * 1000;

/** Whether a token that still works stops within EXPIRING_SOON_MS of `now`. */
export function expiresSoon(expiresAt: Date | null, now: Date): boolean {
  if (!expiresAt) return false;
  const left = expiresAt.getTime() - now.getTime();
  return left > 0 && left <= EXPIRING_SOON_MS;
}
