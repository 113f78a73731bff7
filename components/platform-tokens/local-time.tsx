'use client';

import { useSyncExternalStore } from 'react';
import { formatDateTime, formatRelativeTime } from '@/lib/tokens/display';

// The server does not know the reader's time zone or clock, so what it renders (UTC, no relative
// time) is replaced right after hydration; useSyncExternalStore does that without a mismatch.

const TICK_MS = 30_000;
let now = Date.now();
const subscribers = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(callback: () => void): () => void {
  subscribers.add(callback);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const notify of subscribers) notify();
    }, TICK_MS);
  }
  return () => {
    subscribers.delete(callback);
    if (subscribers.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/** The current time on the client, refreshed every half minute; null while rendering on the server. */
export function useNow(): number | null {
  return useSyncExternalStore(
    subscribe,
    () => now,
    () => null,
  );
}

/** An exact date and time in the reader's time zone. */
export function DateTime({ iso }: { iso: string }) {
  const current = useNow();
  const date = new Date(iso);
  return <time dateTime={iso}>{current === null ? formatDateTime(date, 'UTC') : formatDateTime(date)}</time>;
}

/** "3 hours ago", with the exact time on hover and for assistive technology. */
export function RelativeTime({ iso }: { iso: string }) {
  const current = useNow();
  const date = new Date(iso);
  const exact = current === null ? formatDateTime(date, 'UTC') : formatDateTime(date);
  return (
    <time dateTime={iso} title={exact}>
      {current === null ? exact : formatRelativeTime(date, new Date(current))}
    </time>
  );
}
