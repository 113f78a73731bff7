'use client';

import { getCoreRowModel, useReactTable, type RowSelectionState } from '@tanstack/react-table';
import { useMemo } from 'react';
import { DataTable, type SortControl } from '@/components/data-table/data-table';
import { getTokenColumns, SelectPageCheckbox } from '@/components/platform-tokens/tokens-table-columns';
import { useTokenActions } from '@/components/platform-tokens/use-token-actions';
import type { TokenRow } from '@/lib/tokens/token-row';
import { DEFAULT_SORT_DIRECTION, type AdminTokenListQuery, type AdminTokenSort } from '@/lib/validations/admin-tokens';

/** Columns the server can sort by, by column ID. */
const SORTABLE_COLUMNS: Partial<Record<string, AdminTokenSort>> = {
  name: 'name',
  tokenId: 'tokenId',
  expires: 'expires',
  lastUsed: 'lastUsed',
};

/**
 * The page of tokens the server chose. Sorting headers are links to the sorted URL (the server
 * sorts); the selection is kept here, by token ID, for the page on screen.
 */
export function AdminTokensTable({
  caption,
  tokens,
  query,
  href,
  busy,
  rowSelection,
  onRowSelectionChange,
  searchBox,
}: {
  caption: string;
  tokens: TokenRow[];
  query: AdminTokenListQuery;
  href: (changes: Partial<AdminTokenListQuery>) => string;
  busy: boolean;
  rowSelection: RowSelectionState;
  onRowSelectionChange: (selection: RowSelectionState) => void;
  /** Where focus goes when a row's dialog closed and the row went away. */
  searchBox: () => HTMLElement | null;
}) {
  const { run, dialogs } = useTokenActions({ fallbackFocus: searchBox });
  const columns = useMemo(() => getTokenColumns({ onAction: run, admin: true }), [run]);
  // The table keeps its own references; React Compiler-style memoisation is not wanted here.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data: tokens,
    columns,
    state: { rowSelection },
    onRowSelectionChange: (updater) => onRowSelectionChange(typeof updater === 'function' ? updater(rowSelection) : updater),
    enableRowSelection: true,
    enableSorting: false,
    manualSorting: true,
    manualPagination: true,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (t) => t.tokenId,
  });

  const sortLink: SortControl = (column) => {
    const sort = SORTABLE_COLUMNS[column.id];
    if (!sort) return null;
    const current = query.sort === sort ? query.dir : null;
    const dir = current ? (current === 'asc' ? 'desc' : 'asc') : DEFAULT_SORT_DIRECTION[sort];
    return { href: href({ sort, dir }), current };
  };

  return (
    <>
      <DataTable
        table={table}
        caption={caption}
        cardsLabel={caption}
        busy={busy}
        compact
        sortLink={sortLink}
        empty={query.page > 1 ? 'No tokens on this page.' : 'No tokens match.'}
        cardsToolbar={
          tokens.length > 0 ? (
            <label className="flex items-center gap-2 px-1 text-sm text-slate-700">
              <SelectPageCheckbox
                checked={table.getIsAllPageRowsSelected()}
                indeterminate={table.getIsSomePageRowsSelected()}
                onChange={(checked) => table.toggleAllPageRowsSelected(checked)}
              />
              <span aria-hidden>Select all on this page</span>
            </label>
          ) : null
        }
      />
      {dialogs}
    </>
  );
}
