'use client';

import { flexRender, getCoreRowModel, useReactTable, type RowSelectionState } from '@tanstack/react-table';
import { ArrowDown, ArrowUp, ArrowUpDown } from 'lucide-react';
import Link from 'next/link';
import { useMemo } from 'react';
import { EmptyRow } from '@/components/ui/log-table';
import { cn } from '@/lib/cn';
import { DEFAULT_SORT_DIRECTION, type AdminTokenListQuery } from '@/lib/validations/admin-tokens';
import type { AdminTokenView } from './admin-token-view';
import { getAdminTokenColumns, SORTABLE_COLUMNS } from './admin-tokens-columns';

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
}: {
  caption: string;
  tokens: AdminTokenView[];
  query: AdminTokenListQuery;
  href: (changes: Partial<AdminTokenListQuery>) => string;
  busy: boolean;
  rowSelection: RowSelectionState;
  onRowSelectionChange: (selection: RowSelectionState) => void;
}) {
  const columns = useMemo(() => getAdminTokenColumns(), []);
  // The table keeps its own references; React Compiler-style memoisation is not wanted here.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data: tokens,
    columns,
    state: { rowSelection },
    onRowSelectionChange: (updater) => onRowSelectionChange(typeof updater === 'function' ? updater(rowSelection) : updater),
    enableRowSelection: true,
    manualSorting: true,
    manualPagination: true,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (t) => t.tokenId,
  });

  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white" aria-busy={busy || undefined}>
      <table className={cn('w-full text-left text-sm', busy && 'opacity-60')}>
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const sort = SORTABLE_COLUMNS[header.column.id];
                const current = sort !== undefined && query.sort === sort ? query.dir : null;
                const label = flexRender(header.column.columnDef.header, header.getContext());
                const nextDir = current ? (current === 'asc' ? 'desc' : 'asc') : sort ? DEFAULT_SORT_DIRECTION[sort] : 'asc';
                return (
                  <th
                    key={header.id}
                    scope="col"
                    className="whitespace-nowrap px-3 py-2 font-semibold"
                    aria-sort={current === 'asc' ? 'ascending' : current === 'desc' ? 'descending' : sort ? 'none' : undefined}
                  >
                    {sort ? (
                      <Link
                        href={href({ sort, dir: nextDir })}
                        scroll={false}
                        className="inline-flex items-center gap-1 uppercase hover:text-slate-900"
                      >
                        {label}
                        {current === 'asc' ? (
                          <ArrowUp aria-hidden className="size-3.5" />
                        ) : current === 'desc' ? (
                          <ArrowDown aria-hidden className="size-3.5" />
                        ) : (
                          <ArrowUpDown aria-hidden className="size-3.5 opacity-40" />
                        )}
                      </Link>
                    ) : (
                      label
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody className="divide-y divide-slate-100">
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id} className={row.getIsSelected() ? 'bg-brand-50' : undefined}>
              {row.getVisibleCells().map((cell) => (
                <td key={cell.id} className="px-3 py-2 align-top">
                  {flexRender(cell.column.columnDef.cell, cell.getContext())}
                </td>
              ))}
            </tr>
          ))}
          {tokens.length === 0 ? (
            <EmptyRow colSpan={columns.length}>{query.page > 1 ? 'No tokens on this page.' : 'No tokens match.'}</EmptyRow>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}
