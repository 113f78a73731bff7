'use client';

import { useSyncExternalStore } from 'react';

const subscribe = () => () => {};

/**
 * False while server-rendered HTML is on screen without its scripts. Controls that only work once
 * React runs stay disabled until then, so an early click is not silently lost.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
