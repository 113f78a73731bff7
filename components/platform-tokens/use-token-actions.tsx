'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useState } from 'react';
import { startNavigation } from '@/components/app-shell/navigation-progress';
import { useNotice } from '@/components/ui/notice';
import type { TokenActionKind } from '@/lib/tokens/capabilities';
import type { TokenRow } from '@/lib/tokens/token-row';
import { RotateTokenDialog } from './rotate-token-dialog';
import { actionsTrigger } from './token-actions-menu';
import { TokenConfirmDialog } from './token-confirm-dialog';

/** The dialog open now; `done` is set once its change is made, for where focus goes on close. */
type Pending = { kind: Exclude<TokenActionKind, 'duplicate'>; token: TokenRow; outcome: { done: boolean } } | null;

/**
 * What an item of a token's "Actions" menu does, wherever the menu is (both tables, the token's
 * page): a confirm dialog, the rotate dialog, or the duplicate form. The outcome goes to the
 * page's notice and the page is read again.
 *
 * The menu item that opened a dialog is gone when it closes: focus goes back to the token's
 * "Actions" button, or, when the token went away with it, to `fallbackFocus` (the search box),
 * else to the notice. Radix asks once its focus trap is gone, so nothing moves focus after this.
 */
export function useTokenActions({
  fallbackFocus,
  afterDelete,
}: {
  fallbackFocus?: () => HTMLElement | null;
  /** Where to go once the token is deleted, when the current page is about that token alone. */
  afterDelete?: string;
} = {}) {
  const router = useRouter();
  const { notify, element: noticeElement } = useNotice();
  const [pending, setPending] = useState<Pending>(null);

  const run = useCallback(
    (kind: TokenActionKind, token: TokenRow) => {
      if (kind === 'duplicate') {
        startNavigation();
        router.push(`/platform-tokens/new?duplicate=${encodeURIComponent(token.tokenId)}`);
        return;
      }
      setPending({ kind, token, outcome: { done: false } });
    },
    [router],
  );

  function focusAfter(action: NonNullable<Pending>): HTMLElement | null {
    const deleted = action.kind === 'delete' && action.outcome.done;
    if (deleted && afterDelete) return null;
    return (deleted ? null : actionsTrigger(action.token.tokenId)) ?? fallbackFocus?.() ?? noticeElement();
  }

  function dialogProps(action: NonNullable<Pending>) {
    return {
      token: action.token,
      onClose: () => setPending(null),
      onDone: (message: string) => {
        action.outcome.done = true;
        if (action.kind === 'delete' && afterDelete) {
          notify(message, { path: afterDelete, focus: true });
          startNavigation();
          router.push(afterDelete);
          return;
        }
        notify(message);
        router.refresh();
      },
      returnFocus: () => focusAfter(action),
    };
  }

  const dialogs =
    pending === null ? null : pending.kind === 'rotate' ? (
      <RotateTokenDialog {...dialogProps(pending)} />
    ) : (
      <TokenConfirmDialog kind={pending.kind} {...dialogProps(pending)} />
    );

  return { run, dialogs };
}
