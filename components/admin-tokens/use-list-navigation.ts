'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useTransition } from 'react';
import { adminTokenListSearch, type AdminTokenListQuery } from '@/lib/validations/admin-tokens';

/**
 * The list's state lives in the URL. Any change but the page number starts again at page 1;
 * navigation runs in a transition, so the current page stays visible (and marked busy) meanwhile.
 */
export function useListNavigation(basePath: string, query: AdminTokenListQuery) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();

  const href = useCallback(
    (changes: Partial<AdminTokenListQuery>) => `${basePath}${adminTokenListSearch({ ...query, page: 1, ...changes })}`,
    [basePath, query],
  );

  const go = useCallback(
    (changes: Partial<AdminTokenListQuery>, options: { replace?: boolean } = {}) => {
      const url = href(changes);
      startTransition(() => {
        if (options.replace) router.replace(url, { scroll: false });
        else router.push(url, { scroll: false });
      });
    },
    [href, router],
  );

  return { href, go, pending };
}
