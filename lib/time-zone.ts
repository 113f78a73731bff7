// Calendar days in a reader's time zone, for filters that take a date ("From", "To") and must
// mean the same days as the times the page shows.

/** An IANA time zone name the runtime knows ("Europe/Berlin", "UTC"), or null. */
export function validTimeZone(name: string): string | null {
  if (!name || name.length > 64 || !/^[A-Za-z0-9_+\-/]+$/.test(name)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** How far the zone's wall clock is ahead of UTC at `at`, in milliseconds. */
function offsetAt(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(at));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(at / 1000) * 1000;
}

/** The instant the day `YYYY-MM-DD` (plus `plusDays`) begins in the time zone. */
export function zonedDayStart(day: string, timeZone: string, plusDays = 0): Date {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const midnightUtc = Date.UTC(year, month - 1, date + plusDays);
  // Twice: the offset at the first guess can differ from the one at the answer across a DST change.
  let at = midnightUtc - offsetAt(midnightUtc, timeZone);
  at = midnightUtc - offsetAt(at, timeZone);
  return new Date(at);
}
