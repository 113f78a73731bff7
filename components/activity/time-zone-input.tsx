'use client';

import { useTimeZone } from '@/components/ui/when';

/** Sends the reader's time zone with the filters, so "From" and "To" are their days. */
export function TimeZoneInput() {
  return <input type="hidden" name="tz" value={useTimeZone()} />;
}

/** The zone that the days and times of the page are in. */
export function TimeZoneName() {
  return <>{useTimeZone()}</>;
}
