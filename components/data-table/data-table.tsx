'use client';

import { flexRender, type Column, type Header, type Row, type RowData, type Table } from '@tanstack/react-table';
import { ArrowDown, ArrowUp, ArrowUpDown } from 'lucide-react';
import Link from 'next/link';
import { cn } from '@/lib/cn';
import { tableClass, tableFrame, tbodyClass, tdClass, tdCompactClass, thClass, thCompactClass, theadClass } from './table-styles';

declare module '@tanstack/react-table' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TData extends RowData, TValue> {
    /** Classes of the column's header and cells (width, wrapping, alignment). */
    className?: string;
    /**
     * Its place on a phone's card: the card's title, its controls (checkbox, actions menu), a
     * badge beside the title, or (default) a labelled line.
     */
    card?: 'title' | 'select' | 'actions' | 'badge' | 'line' | 'none';
    /** The label of the card's line when the header is not plain text. */
    cardLabel?: string;
  }
}

/** How a header sorts: in the browser (the column's own toggle) or on the server (a link to the sorted URL). */
export type SortControl = (column: Column<never>) => { href: string; current: 'asc' | 'desc' | null } | null;

function SortIcon({ direction }: { direction: 'asc' | 'desc' | null }) {
  if (direction === 'asc') return <ArrowUp aria-hidden className="size-3.5" />;
  if (direction === 'desc') return <ArrowDown aria-hidden className="size-3.5" />;
  return <ArrowUpDown aria-hidden className="size-3.5 opacity-40" />;
}

/**
 * A sortable header's label with its arrow. A header that wraps keeps its last word with the
 * arrow, so the arrow never ends up alone on a line.
 */
function SortLabel({ label, direction }: { label: React.ReactNode; direction: 'asc' | 'desc' | null }) {
  if (typeof label !== 'string' || !label.includes(' ')) {
    return (
      <span className="inline-flex items-center gap-1 whitespace-nowrap">
        {label}
        <SortIcon direction={direction} />
      </span>
    );
  }
  const cut = label.lastIndexOf(' ');
  return (
    <>
      {label.slice(0, cut + 1)}
      <span className="inline-flex items-center gap-1 whitespace-nowrap">
        {label.slice(cut + 1)}
        <SortIcon direction={direction} />
      </span>
    </>
  );
}

function HeaderCell<T>({ header, sortLink, compact }: { header: Header<T, unknown>; sortLink?: SortControl; compact: boolean }) {
  const { column } = header;
  const label = header.isPlaceholder ? null : flexRender(column.columnDef.header, header.getContext());
  const link = sortLink?.(column as unknown as Column<never>) ?? null;
  const clientSort = !link && column.getCanSort() ? column.getIsSorted() || null : undefined;
  const direction = link ? link.current : clientSort;
  const sortable = link !== null || clientSort !== undefined;
  return (
    <th
      scope="col"
      className={cn(compact ? thCompactClass : thClass, column.columnDef.meta?.className)}
      aria-sort={direction === 'asc' ? 'ascending' : direction === 'desc' ? 'descending' : sortable ? 'none' : undefined}
    >
      {link ? (
        <Link href={link.href} scroll={false} prefetch={false} className="uppercase hover:text-slate-900">
          <SortLabel label={label} direction={link.current} />
        </Link>
      ) : clientSort !== undefined ? (
        <button
          type="button"
          className="text-left uppercase hover:text-slate-900"
          onClick={column.getToggleSortingHandler()}
        >
          <SortLabel label={label} direction={clientSort} />
        </button>
      ) : (
        label
      )}
    </th>
  );
}

function cellsBy<T>(row: Row<T>, kind: NonNullable<NonNullable<Column<T>['columnDef']['meta']>['card']>) {
  return row.getVisibleCells().filter((cell) => (cell.column.columnDef.meta?.card ?? 'line') === kind);
}

/** One row as a card: title with its badges and controls on top, then every other column as a labelled line. */
function RowCard<T>({ row, selected }: { row: Row<T>; selected: boolean }) {
  const render = (cells: ReturnType<typeof cellsBy<T>>) =>
    cells.map((cell) => <div key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</div>);
  return (
    <li className={cn('rounded-lg border border-slate-200 bg-white p-4 shadow-sm', selected && 'border-brand-600 bg-brand-50')}>
      <div className="flex items-start gap-3">
        {render(cellsBy(row, 'select'))}
        <div className="min-w-0 flex-1 space-y-1">
          {render(cellsBy(row, 'title'))}
          <div className="flex flex-wrap items-center gap-1.5">{render(cellsBy(row, 'badge'))}</div>
        </div>
        {render(cellsBy(row, 'actions'))}
      </div>
      <dl className="mt-3 grid grid-cols-[minmax(6rem,auto)_1fr] gap-x-3 gap-y-1.5 text-sm">
        {cellsBy(row, 'line').map((cell) => {
          const { header, meta } = cell.column.columnDef;
          return (
            <div key={cell.id} className="contents">
              <dt className="text-slate-500">{meta?.cardLabel ?? (typeof header === 'string' ? header : cell.column.id)}</dt>
              <dd className="min-w-0 break-words text-slate-800">{flexRender(cell.column.columnDef.cell, cell.getContext())}</dd>
            </div>
          );
        })}
      </dl>
    </li>
  );
}

/**
 * A TanStack table as the portal shows one: a table from 768 px up, which scrolls inside its own
 * frame when it is wider than the page, and a list of cards on a phone. Only one of the two is
 * displayed; the other is hidden from everyone, screen readers included.
 */
export function DataTable<T>({
  table,
  caption,
  empty,
  sortLink,
  busy = false,
  cardsLabel,
  cardsToolbar,
  compact = false,
}: {
  table: Table<T>;
  caption: string;
  /** What the table says when it has no rows. */
  empty: React.ReactNode;
  sortLink?: SortControl;
  busy?: boolean;
  /** The accessible name of the cards' list. */
  cardsLabel: string;
  /** Controls shown above the cards (a select-all checkbox, say). */
  cardsToolbar?: React.ReactNode;
  /** Many columns: tighter cells, so the table fits a laptop's screen. */
  compact?: boolean;
}) {
  const rows = table.getRowModel().rows;
  const isEmpty = rows.length === 0;
  return (
    <div aria-busy={busy || undefined} className={cn(busy && 'opacity-60 transition-opacity')}>
      {/* Without rows there is one message for every width (and the table's headers from 768 px). */}
      <div className={cn(tableFrame, !isEmpty && 'hidden md:block')}>
        <table className={cn(tableClass, isEmpty && 'hidden md:table')}>
          <caption className="sr-only">{caption}</caption>
          <thead className={theadClass}>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => (
                  <HeaderCell key={header.id} header={header} sortLink={sortLink} compact={compact} />
                ))}
              </tr>
            ))}
          </thead>
          <tbody className={tbodyClass}>
            {rows.map((row) => (
              <tr key={row.id} className={cn('group', row.getIsSelected() ? 'bg-brand-50' : 'hover:bg-slate-50')}>
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id} className={cn(compact ? tdCompactClass : tdClass, cell.column.columnDef.meta?.className)}>
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {isEmpty ? <p className="px-4 py-8 text-center text-sm text-slate-600">{empty}</p> : null}
      </div>
      {isEmpty ? null : (
        <div className="space-y-3 md:hidden">
          {cardsToolbar}
          <ul aria-label={cardsLabel} className="space-y-3">
            {rows.map((row) => (
              <RowCard key={row.id} row={row} selected={row.getIsSelected()} />
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
