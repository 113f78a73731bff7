/** A read-only table of records, newest first, with a caption for screen readers and a line in place of no rows. */
export function LogTable({
  caption,
  columns,
  rowCount,
  emptyText,
  children,
}: {
  caption: string;
  columns: readonly string[];
  rowCount: number;
  emptyText: React.ReactNode;
  /** The rows (`<tr>`), one cell per column. */
  children: React.ReactNode;
}) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
          <tr>
            {columns.map((h) => (
              <th key={h} scope="col" className="whitespace-nowrap px-3 py-2 font-semibold">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
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
