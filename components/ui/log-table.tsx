import { tableClass, tableFrame, tbodyClass, thClass, theadClass } from '@/components/data-table/table-styles';
import { cn } from '@/lib/cn';

/** A read-only table of records, newest first, with a caption for screen readers and a line in place of no rows. */
export function LogTable({
  caption,
  columns,
  rowCount,
  emptyText,
  children,
  className,
}: {
  caption: string;
  columns: readonly string[];
  rowCount: number;
  emptyText: React.ReactNode;
  /** The rows (`<tr>`), one cell per column. */
  children: React.ReactNode;
  className?: string;
}) {
  return (
    <div className={cn(tableFrame, className)}>
      <table className={tableClass}>
        <caption className="sr-only">{caption}</caption>
        <thead className={theadClass}>
          <tr>
            {columns.map((h) => (
              <th key={h} scope="col" className={thClass}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className={tbodyClass}>
          {children}
          {rowCount === 0 ? <EmptyRow colSpan={columns.length}>{emptyText}</EmptyRow> : null}
        </tbody>
      </table>
    </div>
  );
}

/** The one row of a table that has none to show, saying why. */
export function EmptyRow({ colSpan, children }: { colSpan: number; children: React.ReactNode }) {
  return (
    <tr>
      <td colSpan={colSpan} className="px-3 py-8 text-center text-slate-600">
        {children}
      </td>
    </tr>
  );
}
