'use client';

import { deleteTokenAction, disableTokenAction, enableTokenAction } from '@/app/_actions/platform-tokens';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import type { TokenRow } from '@/lib/tokens/token-row';
import { TokenIdCell } from './token-cells';

export type ConfirmKind = 'disable' | 'enable' | 'delete';

const COPY: Record<ConfirmKind, { title: string; label: string; effect: string; done: string }> = {
  disable: {
    title: 'Disable platform token?',
    label: 'Disable',
    effect: 'It stops working at once. You can enable it again later.',
    done: 'Disabled',
  },
  enable: {
    title: 'Enable platform token?',
    label: 'Enable',
    effect: 'It works again, with its scopes and within its expiry.',
    done: 'Enabled',
  },
  delete: {
    title: 'Delete platform token?',
    label: 'Delete',
    effect: 'It stops working at once and is gone for good. This cannot be undone.',
    done: 'Deleted',
  },
};

const ACTIONS = { disable: disableTokenAction, enable: enableTokenAction, delete: deleteTokenAction } as const;

/** Asks before disabling, enabling or deleting a token, naming it by its token ID. */
export function TokenConfirmDialog({
  kind,
  token,
  onClose,
  onDone,
  returnFocus,
}: {
  kind: ConfirmKind;
  token: TokenRow;
  onClose: () => void;
  onDone: (message: string) => void;
  /** Where focus goes once the dialog has closed (its opener, a menu item, is gone). */
  returnFocus: () => HTMLElement | null;
}) {
  const copy = COPY[kind];
  return (
    <ConfirmDialog
      open
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
      title={copy.title}
      confirmLabel={copy.label}
      variant={kind === 'enable' ? 'primary' : 'danger'}
      onConfirm={async () => {
        const result = await ACTIONS[kind]({ tokenId: token.tokenId });
        if (!result.ok) return result.message;
        onDone(`${copy.done} “${token.name}” (${token.tokenId}).`);
      }}
      returnFocus={returnFocus}
    >
      <p>
        Token ID: <TokenIdCell tokenId={token.tokenId} />
      </p>
      <p>
        “{token.name}” in {token.accountName}. {copy.effect}
      </p>
    </ConfirmDialog>
  );
}
