// Record timestamps are stored as ISO 8601 UTC strings with milliseconds
// ("2024-05-01T12:00:00.000Z"), so that comparing two of them as strings compares the instants.

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** The earliest and latest instants a record may carry; outside them ISO strings stop sorting. */
export const MIN_TIMESTAMP = Date.UTC(1970, 0, 1);
export const MAX_TIMESTAMP = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * Reads a timestamp written as an ISO 8601 date or date-time (no zone means UTC) or as
 * milliseconds since 1970; null when it is neither or lies outside 1970–9999.
 */
export function parseTimestamp(value: unknown): Date | null {
  let ms: number;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    ms = Math.trunc(value);
  } else if (typeof value === 'string') {
    const m = ISO_DATE_TIME.exec(value.trim());
    if (!m) return null;
    const [, y, mo, d, h = '00', mi = '00', s = '00', fraction = '', zone = 'Z'] = m;
    const text = `${y}-${mo}-${d}T${h}:${mi}:${s}.${fraction.padEnd(3, '0').slice(0, 3)}${zone}`;
    ms = Date.parse(text);
    // Date.parse rolls 2024-02-30 over to March; a date that does not exist is not a date.
    if (Number.isNaN(ms) || new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d))).getUTCDate() !== Number(d)) return null;
  } else {
    return null;
  }
  if (ms < MIN_TIMESTAMP || ms > MAX_TIMESTAMP) return null;
  return new Date(ms);
}

/** Milliseconds of each unit a duration may have (`500ms`, `30s`, `5m`, `2h`, `7d`, `1w`). */
const DURATION_UNIT_MS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** The milliseconds of a duration as written (`-2h`), or null when it is not one. */
export function durationMs(text: string): number | null {
  const m = /^(-?[0-9]+)(ns|us|ms|s|m|h|d|w)$/.exec(text);
  const unit = m ? DURATION_UNIT_MS[m[2]!] : undefined;
  return m && unit !== undefined ? Number(m[1]) * unit : null;
}
