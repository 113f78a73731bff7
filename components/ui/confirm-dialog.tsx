'use client';

import { AlertDialog } from 'radix-ui';
import { useRef, useState } from 'react';
import { Button } from './button';
import { FormAlert } from './field';

function canTakeFocus(element: HTMLElement | null): element is HTMLElement {
  return element !== null && element.isConnected && element !== element.ownerDocument.body && !element.matches(':disabled');
}

/**
 * Asks before a change. `onConfirm` returns an error message to show, or nothing on success
 * (then the dialog closes). The confirm button is busy while the change runs. Opened without a
 * trigger, Radix has nowhere to put focus on close, so it goes to what `returnFocus` names (asked
 * once the focus trap is gone; a timer set before closing can be undone by the trap), else back to
 * the element that had focus when the dialog opened, if that is still on the page and enabled.
 */
export function ConfirmDialog({
  open,
  onOpenChange,
  title,
  children,
  confirmLabel,
  variant = 'primary',
  onConfirm,
  returnFocus,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: React.ReactNode;
  children: React.ReactNode;
  confirmLabel: string;
  variant?: 'primary' | 'danger';
  onConfirm: () => Promise<string | void>;
  returnFocus?: () => HTMLElement | null | undefined;
}) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const opener = useRef<HTMLElement | null>(null);

  async function confirm() {
    setPending(true);
    setError(null);
    try {
      const message = await onConfirm();
      if (message) setError(message);
      else onOpenChange(false);
    } finally {
      setPending(false);
    }
  }

  return (
    <AlertDialog.Root
      open={open}
      onOpenChange={(next) => {
        if (!next) setError(null);
        onOpenChange(next);
      }}
    >
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="fixed inset-0 z-40 bg-black/50" />
        <AlertDialog.Content
          className="fixed left-1/2 top-1/2 z-50 w-[min(92vw,32rem)] -translate-x-1/2 -translate-y-1/2 rounded-lg bg-white p-6 shadow-xl focus:outline-none"
          onOpenAutoFocus={() => {
            opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
          }}
          onCloseAutoFocus={(event) => {
            const target = returnFocus?.() ?? (canTakeFocus(opener.current) ? opener.current : null);
            opener.current = null;
            if (!target) return;
            event.preventDefault();
            target.focus();
          }}
        >
          <AlertDialog.Title className="text-lg font-semibold wrap-break-word">{title}</AlertDialog.Title>
          <AlertDialog.Description asChild>
            <div className="mt-2 space-y-2 text-sm text-slate-700">{children}</div>
          </AlertDialog.Description>
          <div className="mt-4">
            <FormAlert message={error} />
          </div>
          <div className="mt-6 flex justify-end gap-2">
            <AlertDialog.Cancel asChild>
              <Button variant="secondary">Cancel</Button>
            </AlertDialog.Cancel>
            <Button
              variant={variant}
              disabled={pending}
              aria-busy={pending || undefined}
              onClick={(event) => {
                event.preventDefault();
                void confirm();
              }}
            >
              {confirmLabel}
            </Button>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
