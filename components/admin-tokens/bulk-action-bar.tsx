'use client';

import { Suspense, use, useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { FormAlert } from '@/components/ui/field';
import type { SelectionPreview, TokenCount } from '@/lib/tokens/admin-queries';
import type { BulkTokenResult } from '@/lib/tokens/bulk';
import type {
  AdminTokenFilter,
  BulkTokenAction,
  BulkTokenActionInput,
  TokenSelection,
} from '@/lib/validations/admin-tokens';
import type { ActionResult } from '@/lib/validations/result';
import { formatCount, tokens } from './plural';

export interface BulkActions {
  bulk: (input: BulkTokenActionInput) => Promise<ActionResult<BulkTokenResult>>;
  preview: (input: { accountId: string; filter: AdminTokenFilter }) => Promise<ActionResult<SelectionPreview>>;
}

const LABEL: Record<BulkTokenAction, string> = { disable: 'Disable', enable: 'Enable', delete: 'Delete' };
const DONE: Record<BulkTokenAction, string> = { disable: 'Disabled', enable: 'Enabled', delete: 'Deleted' };
const EFFECT: Record<BulkTokenAction, string> = {
  disable: 'They stop working at once and can be enabled again.',
  enable: 'They work again, unless they have expired.',
  delete: 'They stop working at once. This cannot be undone.',
};
const UNCHANGED: Record<BulkTokenAction, string> = {
  disable: 'No token was disabled: the selected tokens were disabled already.',
  enable: 'No token was enabled: the selected tokens were enabled already.',
  delete: 'No token was deleted: the selected tokens no longer exist.',
};
const SHOWN_IDS = 5;

interface PendingAction {
  action: BulkTokenAction;
  count: number;
  tokenIds: string[];
  selection: TokenSelection;
}

function resultMessage(result: BulkTokenResult): string {
  return result.changed === 0 ? UNCHANGED[result.action] : `${DONE[result.action]} ${tokens(result.changed)}.`;
}

function SelectAllMatching({
  count,
  pageCount,
  allMatching,
  onSelectAllMatching,
  onClear,
}: {
  count: Promise<TokenCount>;
  pageCount: number;
  allMatching: boolean;
  onSelectAllMatching: () => void;
  onClear: () => void;
}) {
  const total = use(count);
  if (allMatching) {
    return (
      <p className="flex flex-wrap items-center gap-2 text-sm text-slate-700">
        All {formatCount(total.count, total.capped)} matching tokens are selected.
        <Button variant="ghost" size="sm" onClick={onClear}>
          Clear selection
        </Button>
      </p>
    );
  }
  if (!total.capped && total.count <= pageCount) return null;
  return (
    <p className="flex flex-wrap items-center gap-2 text-sm text-slate-700">
      All {tokens(pageCount)} on this page are selected.
      <Button variant="ghost" size="sm" onClick={onSelectAllMatching}>
        Select all {formatCount(total.count, total.capped)} matching
      </Button>
    </p>
  );
}

/**
 * "Disable", "Enable" and "Delete" for the selection: the chosen rows by token ID, or every token
 * matching the filter (sent as the filter, and counted by the server for the confirm dialog).
 */
export function BulkActionBar({
  accountId,
  filter,
  pageCount,
  selectedIds,
  allMatching,
  count,
  actions,
  onSelectAllMatching,
  onClearSelection,
  onDone,
  outcome,
}: {
  accountId: string;
  filter: AdminTokenFilter;
  pageCount: number;
  selectedIds: string[];
  allMatching: boolean;
  count: Promise<TokenCount>;
  actions: BulkActions;
  onSelectAllMatching: () => void;
  onClearSelection: () => void;
  onDone: (message: string) => void;
  /** Where focus goes after a change: the message that tells its outcome. */
  outcome?: () => HTMLElement | null;
}) {
  const [pending, setPending] = useState<PendingAction | null>(null);
  const [preparing, setPreparing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const opener = useRef<HTMLButtonElement | null>(null);
  const changed = useRef(false);
  const nothingSelected = selectedIds.length === 0 && !allMatching;

  async function start(action: BulkTokenAction) {
    setError(null);
    if (!allMatching) {
      setPending({ action, count: selectedIds.length, tokenIds: selectedIds.slice(0, SHOWN_IDS), selection: { kind: 'ids', tokenIds: selectedIds } });
      return;
    }
    setPreparing(true);
    try {
      const preview = await actions.preview({ accountId, filter });
      if (!preview.ok) setError(preview.message);
      else if (preview.data.count === 0) onDone('No tokens match any more; nothing was changed.');
      else setPending({ action, count: preview.data.count, tokenIds: preview.data.tokenIds, selection: { kind: 'filter', filter } });
    } finally {
      setPreparing(false);
    }
  }

  async function confirm(): Promise<string | void> {
    if (!pending) return;
    const result = await actions.bulk({ accountId, action: pending.action, selection: pending.selection });
    if (!result.ok) return result.message;
    changed.current = true;
    onDone(resultMessage(result.data));
  }

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Act on the selected tokens">
        {(['disable', 'enable', 'delete'] as const).map((action) => (
          <Button
            key={action}
            variant={action === 'delete' ? 'danger' : 'secondary'}
            size="sm"
            disabled={nothingSelected || preparing}
            onClick={(event) => {
              opener.current = event.currentTarget;
              void start(action);
            }}
          >
            {LABEL[action]}
          </Button>
        ))}
        <span className="text-sm text-slate-600" aria-live="polite">
          {allMatching ? 'All matching tokens selected' : selectedIds.length > 0 ? `${formatCount(selectedIds.length)} selected` : ''}
        </span>
      </div>
      {allMatching || (pageCount > 0 && selectedIds.length === pageCount) ? (
        <Suspense fallback={null}>
          <SelectAllMatching
            count={count}
            pageCount={pageCount}
            allMatching={allMatching}
            onSelectAllMatching={onSelectAllMatching}
            onClear={onClearSelection}
          />
        </Suspense>
      ) : null}
      <FormAlert message={error} />
      <ConfirmDialog
        open={pending !== null}
        onOpenChange={(open) => {
          if (!open) setPending(null);
        }}
        returnFocus={() => {
          // After a change, to its outcome; otherwise back to the button that asked.
          if (changed.current) {
            changed.current = false;
            const target = outcome?.();
            if (target) return target;
          }
          return opener.current && !opener.current.disabled ? opener.current : null;
        }}
        title={pending ? `${LABEL[pending.action]} ${tokens(pending.count)}?` : ''}
        confirmLabel={pending ? LABEL[pending.action] : ''}
        variant={pending?.action === 'delete' ? 'danger' : 'primary'}
        onConfirm={confirm}
      >
        {pending ? (
          <>
            <p>{EFFECT[pending.action]}</p>
            <ul className="space-y-0.5">
              {pending.tokenIds.map((id) => (
                <li key={id}>
                  <code className="font-mono text-xs">{id}</code>
                </li>
              ))}
            </ul>
            {pending.count > pending.tokenIds.length ? <p>and {tokens(pending.count - pending.tokenIds.length)} more.</p> : null}
          </>
        ) : null}
      </ConfirmDialog>
    </div>
  );
}
