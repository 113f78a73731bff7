'use client';

import {
  getCoreRowModel,
  getFilteredRowModel,
  getSortedRowModel,
  useReactTable,
  type FilterFn,
  type SortingState,
} from '@tanstack/react-table';
import { useId, useMemo, useRef, useState } from 'react';
import { DataTable } from '@/components/data-table/data-table';
import { Input } from '@/components/ui/input';
import type { TokenRow } from '@/lib/tokens/token-row';
import { getTokenColumns } from './tokens-table-columns';
import { useTokenActions } from './use-token-actions';

const byNameOrTokenId: FilterFn<TokenRow> = (row, _columnId, value: string) => {
  const needle = value.trim().toLowerCase();
  if (!needle) return true;
  return row.original.name.toLowerCase().includes(needle) || row.original.tokenId.toLowerCase().includes(needle);
};

/** My platform tokens as a sortable, searchable table (cards on a phone) with an "Actions" menu per row. */
export function TokensTable({ tokens }: { tokens: TokenRow[] }) {
  const searchId = useId();
  const [sorting, setSorting] = useState<SortingState>([]);
  const [search, setSearch] = useState('');
  const searchRef = useRef<HTMLInputElement>(null);
  const { run, dialogs } = useTokenActions({ fallbackFocus: () => searchRef.current });

  const columns = useMemo(() => getTokenColumns({ onAction: run }), [run]);
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
      <DataTable table={table} caption="My platform tokens" cardsLabel="My platform tokens" empty={<>No token matches “{search}”.</>} />
      {dialogs}
    </div>
  );
}
