'use client';

import {
  flexRender,
  getCoreRowModel,
  getFilteredRowModel,
  getSortedRowModel,
  useReactTable,
  type FilterFn,
  type SortingState,
} from '@tanstack/react-table';
import { ArrowDown, ArrowUp, ArrowUpDown } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useId, useMemo, useRef, useState } from 'react';
import { Input } from '@/components/ui/input';
import { EmptyRow } from '@/components/ui/log-table';
import type { TokenView } from '@/lib/tokens/view';
import type { TokenActionKind } from './token-actions-menu';
import { RotateTokenDialog } from './rotate-token-dialog';
import { TokenConfirmDialog } from './token-confirm-dialog';
import { getTokenColumns } from './tokens-table-columns';

const byNameOrTokenId: FilterFn<TokenView> = (row, _columnId, value: string) => {
  const needle = value.trim().toLowerCase();
  if (!needle) return true;
  return row.original.name.toLowerCase().includes(needle) || row.original.tokenId.toLowerCase().includes(needle);
};

type RowAction = { kind: TokenActionKind; token: TokenView } | null;

/** My platform tokens as a sortable, searchable table with an "Actions" menu per row. */
export function TokensTable({
  tokens,
  onStatus,
  onFocusLost,
}: {
  tokens: TokenView[];
  onStatus: (message: string) => void;
  /** Called when neither the row nor the search box is left to take focus (the last token went away). */
  onFocusLost: () => void;
}) {
  const router = useRouter();
  const searchId = useId();
  const [sorting, setSorting] = useState<SortingState>([]);
  const [search, setSearch] = useState('');
  const [rowAction, setRowAction] = useState<RowAction>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const completed = useRef(false);

  function closeRowAction() {
    setRowAction(null);
  }

  // The menu item that opened a dialog is gone when the dialog closes: focus goes back to the
  // row's "Actions" button, or to the search box when the row went away. Asked by the dialog once
  // its focus trap is gone, so nothing moves focus after this.
  /** What the row's confirm and rotate dialogs share: closing, the outcome, and where focus goes. */
  function rowDialogProps(action: NonNullable<RowAction>) {
    return {
      token: action.token,
      onClose: closeRowAction,
      onDone: (message: string) => {
        completed.current = true;
        onStatus(message);
      },
      returnFocus: () => focusAfter(action),
    };
  }

  function focusAfter(action: NonNullable<RowAction>): HTMLElement | null {
    const deleted = action.kind === 'delete' && completed.current;
    completed.current = false;
    const trigger = deleted ? null : document.querySelector<HTMLElement>(`[data-token-actions="${action.token.tokenId}"]`);
    const target = trigger ?? searchRef.current;
    if (!target) onFocusLost();
    return target;
  }

  const columns = useMemo(
    () =>
      getTokenColumns((kind, token) => {
        if (kind === 'duplicate') router.push(`/platform-tokens/new?duplicate=${encodeURIComponent(token.tokenId)}`);
        else {
          completed.current = false;
          setRowAction({ kind, token });
        }
      }),
    [router],
  );
  // The table keeps its own references; React Compiler-style memoisation is not wanted here.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data: tokens,
    columns,
    state: { sorting, globalFilter: search },
    onSortingChange: setSorting,
    onGlobalFilterChange: setSearch,
    globalFilterFn: byNameOrTokenId,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
    getRowId: (t) => t.tokenId,
  });
  const rows = table.getRowModel().rows;

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="w-full max-w-sm space-y-1">
          <label htmlFor={searchId} className="block text-sm font-medium text-slate-800">
            Search tokens
          </label>
          <Input
            ref={searchRef}
            id={searchId}
            type="search"
            placeholder="Name or token ID"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </div>
        <p className="text-sm text-slate-600">
          {rows.length === tokens.length
            ? `${tokens.length} ${tokens.length === 1 ? 'token' : 'tokens'}`
            : `${rows.length} of ${tokens.length} tokens`}
        </p>
      </div>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">My platform tokens</caption>
          <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const sorted = header.column.getIsSorted();
                  const canSort = header.column.getCanSort();
                  const label = flexRender(header.column.columnDef.header, header.getContext());
                  return (
                    <th
                      key={header.id}
                      scope="col"
                      className="whitespace-nowrap px-3 py-2 font-semibold"
                      aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : canSort ? 'none' : undefined}
                    >
                      {canSort ? (
                        <button
                          type="button"
                          className="inline-flex items-center gap-1 uppercase hover:text-slate-900"
                          onClick={header.column.getToggleSortingHandler()}
                        >
                          {label}
                          {sorted === 'asc' ? (
                            <ArrowUp aria-hidden className="size-3" />
                          ) : sorted === 'desc' ? (
                            <ArrowDown aria-hidden className="size-3" />
                          ) : (
                            <ArrowUpDown aria-hidden className="size-3 opacity-40" />
                          )}
                        </button>
                      ) : (
                        label
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id} className="border-t border-slate-100 align-top hover:bg-slate-50/60">
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id} className="px-3 py-2">
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </td>
                ))}
              </tr>
            ))}
            {rows.length === 0 ? <EmptyRow colSpan={columns.length}>No token matches “{search}”.</EmptyRow> : null}
          </tbody>
        </table>
      </div>
      {rowAction && rowAction.kind !== 'rotate' && rowAction.kind !== 'duplicate' ? (
        <TokenConfirmDialog kind={rowAction.kind} {...rowDialogProps(rowAction)} />
      ) : null}
      {rowAction?.kind === 'rotate' ? <RotateTokenDialog {...rowDialogProps(rowAction)} /> : null}
    </div>
  );
}
