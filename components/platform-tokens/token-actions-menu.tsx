'use client';

import { EllipsisVertical } from 'lucide-react';
import { DropdownMenu } from 'radix-ui';
import { cn } from '@/lib/cn';
import type { TokenView } from '@/lib/tokens/view';
import { useHydrated } from './use-hydrated';

export type TokenActionKind = 'disable' | 'enable' | 'rotate' | 'duplicate' | 'delete';

const itemClass =
  'flex cursor-default select-none items-center rounded px-3 py-2 text-sm outline-none data-[highlighted]:bg-brand-50 data-[highlighted]:text-brand-800 data-[disabled]:text-slate-400';

/** The "Actions" menu of one row; Radix gives it arrow-key navigation, Escape and typeahead. */
export function TokenActionsMenu({ token, onAction }: { token: TokenView; onAction: (kind: TokenActionKind) => void }) {
  const hydrated = useHydrated();
  const items: { kind: TokenActionKind; label: string; danger?: boolean }[] = [
    token.status === 'disabled' ? { kind: 'enable', label: 'Enable' } : { kind: 'disable', label: 'Disable' },
    { kind: 'rotate', label: 'Rotate' },
    { kind: 'duplicate', label: 'Duplicate' },
    { kind: 'delete', label: 'Delete', danger: true },
  ];
  return (
    // Not modal: a dialog opened from an item must own focus and pointer events by itself.
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger
        aria-label={`Actions for ${token.name}`}
        data-token-actions={token.tokenId}
        disabled={!hydrated}
        className="inline-flex size-8 items-center justify-center rounded-md text-slate-600 hover:bg-slate-100 data-[state=open]:bg-slate-100"
      >
        <EllipsisVertical aria-hidden className="size-4" />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          align="end"
          sideOffset={4}
          className="z-30 min-w-36 rounded-md border border-slate-200 bg-white p-1 shadow-lg"
        >
          {items.map((item) => (
            <DropdownMenu.Item
              key={item.kind}
              className={cn(itemClass, item.danger && 'text-red-700 data-[highlighted]:bg-red-50 data-[highlighted]:text-red-800')}
              onSelect={() => onAction(item.kind)}
            >
              {item.label}
            </DropdownMenu.Item>
          ))}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
