'use client';

import { usePathname, useSearchParams } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';

// A thin bar at the top of the window while the next page loads: server-rendered pages can take
// a moment, and without it a click seems to do nothing. It starts on a click on a link to another
// page of the portal, on a GET form (filters), or when code navigates (startNavigation), and ends
// when the URL has changed. Fast navigations never show it.

const SHOW_AFTER_MS = 150;
const GIVE_UP_MS = 20_000;

const listeners = new Set<() => void>();

/** For navigations started from code (router.push): shows the bar until the URL changes. */
export function startNavigation() {
  for (const listener of listeners) listener();
}

function here(): string {
  return window.location.pathname + window.location.search;
}

/** The same-origin page a click on `event` would go to, when it is a plain navigation to another one. */
function clickTarget(event: MouseEvent): string | null {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return null;
  const anchor = (event.target as Element | null)?.closest?.('a[href]');
  if (!(anchor instanceof HTMLAnchorElement)) return null;
  if (anchor.target && anchor.target !== '_self') return null;
  if (anchor.hasAttribute('download')) return null;
  const url = new URL(anchor.href, window.location.href);
  if (url.origin !== window.location.origin) return null;
  // Not pages of the portal: the API and its description open as documents of their own.
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/e/')) return null;
  const next = url.pathname + url.search;
  return next === here() ? null : next;
}

export function NavigationProgress() {
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [phase, setPhase] = useState<'idle' | 'waiting' | 'loading' | 'done'>('idle');
  const timers = useRef<ReturnType<typeof setTimeout>[]>([]);

  useEffect(() => {
    function clear() {
      for (const t of timers.current) clearTimeout(t);
      timers.current = [];
    }
    function start() {
      clear();
      setPhase('waiting');
      timers.current.push(setTimeout(() => setPhase((p) => (p === 'waiting' ? 'loading' : p)), SHOW_AFTER_MS));
      timers.current.push(setTimeout(() => setPhase('idle'), GIVE_UP_MS));
    }
    function onClick(event: MouseEvent) {
      if (clickTarget(event)) start();
    }
    function onSubmit(event: SubmitEvent) {
      const form = event.target;
      if (form instanceof HTMLFormElement && form.method.toLowerCase() === 'get' && !event.defaultPrevented) start();
    }
    listeners.add(start);
    document.addEventListener('click', onClick, true);
    document.addEventListener('submit', onSubmit);
    return () => {
      clear();
      listeners.delete(start);
      document.removeEventListener('click', onClick, true);
      document.removeEventListener('submit', onSubmit);
    };
  }, []);

  // The new URL is on screen: finish the bar, then hide it.
  const url = `${pathname}?${searchParams.toString()}`;
  const previous = useRef(url);
  useEffect(() => {
    if (previous.current === url) return;
    previous.current = url;
    for (const t of timers.current) clearTimeout(t);
    timers.current = [setTimeout(() => setPhase('idle'), 300)];
    setPhase((p) => (p === 'loading' ? 'done' : 'idle'));
  }, [url]);

  if (phase === 'idle' || phase === 'waiting') return null;
  return (
    <div
      role="progressbar"
      aria-label="Loading the page"
      className="pointer-events-none fixed inset-x-0 top-0 z-[60] h-0.5 overflow-hidden"
    >
      <div
        className={
          phase === 'done'
            ? 'h-full w-full bg-brand-600 opacity-0 transition-opacity duration-300'
            : 'h-full w-full origin-left animate-[navigation-progress_8s_cubic-bezier(0.1,0.7,0.2,1)_forwards] bg-brand-600'
        }
      />
    </div>
  );
}
