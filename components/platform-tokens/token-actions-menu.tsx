'use client';

import { EllipsisVertical } from 'lucide-react';
import { DropdownMenu } from 'radix-ui';
import { useId } from 'react';
import { cn } from '@/lib/cn';
import type { TokenActionKind } from '@/lib/tokens/capabilities';
import type { TokenRow } from '@/lib/tokens/token-row';
import { useHydrated } from './use-hydrated';

export const ACTION_LABELS: Record<TokenActionKind, string> = {
  disable: 'Disable',
  enable: 'Enable',
  rotate: 'Rotate',
  duplicate: 'Duplicate',
  delete: 'Delete',
};

const itemClass =
  'flex cursor-default select-none flex-col rounded px-3 py-2 text-sm outline-none data-[highlighted]:bg-brand-50 data-[highlighted]:text-brand-800';

/** The element of a row's "Actions" button that is on screen (the table's or the phone card's). */
export function actionsTrigger(tokenId: string): HTMLElement | null {
  const all = document.querySelectorAll<HTMLElement>(`[data-token-actions="${CSS.escape(tokenId)}"]`);
  return [...all].find((el) => el.offsetParent !== null) ?? null;
}

/**
 * The "Actions" menu of one token; Radix gives it arrow-key navigation, Escape and typeahead.
 * An action the reader cannot take now stays in the menu, marked unavailable with the reason.
 */
export function TokenActionsMenu({ token, onAction }: { token: TokenRow; onAction: (kind: TokenActionKind) => void }) {
  const hydrated = useHydrated();
  const idPrefix = useId();
  return (
    // Not modal: a dialog opened from an item must own focus and pointer events by itself.
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger
        aria-label={`Actions for ${token.name}`}
        data-token-actions={token.tokenId}
        disabled={!hydrated}
        className="inline-flex size-8 shrink-0 items-center justify-center rounded-md text-slate-600 hover:bg-slate-100 data-[state=open]:bg-slate-100"
      >
        <EllipsisVertical aria-hidden className="size-4" />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          align="end"
          sideOffset={4}
          collisionPadding={8}
          className="z-30 w-max min-w-36 max-w-[min(20rem,calc(100vw-1rem))] rounded-md border border-slate-200 bg-white p-1 shadow-lg"
        >
          {token.actions.map(({ kind, unavailable }) => {
            const reasonId = `${idPrefix}-${kind}`;
            return (
              <DropdownMenu.Item
                key={kind}
                className={cn(
                  itemClass,
                  kind === 'delete' && 'text-red-700 data-[highlighted]:bg-red-50 data-[highlighted]:text-red-800',
                  unavailable && 'text-slate-500 data-[highlighted]:bg-slate-100 data-[highlighted]:text-slate-600',
                )}
                // Reachable with the arrows, so its reason is read out, but it does nothing.
                aria-disabled={unavailable ? true : undefined}
                aria-describedby={unavailable ? reasonId : undefined}
                onSelect={(event) => {
                  if (unavailable) event.preventDefault();
                  else onAction(kind);
                }}
              >
                <span>{ACTION_LABELS[kind]}</span>
                {unavailable ? (
                  <span id={reasonId} aria-hidden className="mt-0.5 text-xs leading-snug text-slate-500">
                    {unavailable}
                  </span>
                ) : null}
              </DropdownMenu.Item>
            );
          })}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
