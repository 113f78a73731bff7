'use client';

import { Tooltip } from 'radix-ui';
import { useId, useSyncExternalStore } from 'react';
import { formatExactTime, formatRelativeTime } from '@/lib/tokens/display';

// The server knows neither the reader's time zone nor their clock, so it renders the day in UTC;
// right after hydration useSyncExternalStore swaps in the reader's own, without a mismatch.

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

const noSubscription = () => () => {};
const SERVER_DAY = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' });

/** The reader's time zone (IANA name); 'UTC' on the server. */
export function useTimeZone(): string {
  return useSyncExternalStore(
    noSubscription,
    () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
    () => 'UTC',
  );
}

/** Tooltips open after a short hover, or at once on keyboard focus. */
export function TooltipProvider({ children }: { children: React.ReactNode }) {
  return <Tooltip.Provider delayDuration={250}>{children}</Tooltip.Provider>;
}

/**
 * The one way the portal shows a point in time: relative ("in 30 days", "3 hours ago"), with
 * the exact time and its time zone in a tooltip on hover and on keyboard focus, and as the
 * element's accessible description for screen readers.
 */
export function When({ at, className }: { at: string | Date; className?: string }) {
  const current = useNow();
  const timeZone = useTimeZone();
  const descriptionId = useId();
  const date = new Date(at);
  const iso = date.toISOString();
  const exact = formatExactTime(date, timeZone);
  // Before hydration only the day: short like what replaces it, so the table does not jump.
  const shown = current === null ? SERVER_DAY.format(date) : formatRelativeTime(date, new Date(current));
  return (
    <span className="relative">
      <Tooltip.Root>
        <Tooltip.Trigger asChild>
          <time
            dateTime={iso}
            tabIndex={0}
            aria-describedby={descriptionId}
            className={`cursor-help whitespace-nowrap underline decoration-slate-400 decoration-dotted underline-offset-4 ${className ?? ''}`}
          >
            {shown}
          </time>
        </Tooltip.Trigger>
        <Tooltip.Portal>
          <Tooltip.Content
            side="top"
            sideOffset={6}
            collisionPadding={8}
            className="z-50 max-w-[min(90vw,22rem)] rounded-md bg-slate-900 px-2.5 py-1.5 text-xs text-slate-50 shadow-lg"
          >
            {exact}
            <Tooltip.Arrow className="fill-slate-900" />
          </Tooltip.Content>
        </Tooltip.Portal>
      </Tooltip.Root>
      <span id={descriptionId} className="sr-only">
        {exact}
      </span>
    </span>
  );
}
