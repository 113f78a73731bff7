import { Button } from '@/components/ui/button';
import { cn } from '@/lib/cn';

/** A plain data table with a caption for screen readers; IAM lists are short enough to show whole. */
export function IamTable({ caption, children }: { caption: string; children: React.ReactNode }) {
  return (
    // Positioned, so that the screen-reader-only text of cells scrolled out of view stays inside
    // this box instead of widening the page.
    <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="sr-only">{caption}</caption>
        {children}
      </table>
    </div>
  );
}

export function Th({ children, className }: { children?: React.ReactNode; className?: string }) {
  return (
    <th scope="col" className={cn('px-4 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-600', className)}>
      {children}
    </th>
  );
}

export function Td({ children, className }: { children?: React.ReactNode; className?: string }) {
  return <td className={cn('px-4 py-2 align-top text-slate-800', className)}>{children}</td>;
}

/** The last cell of a row, holding its actions. */
export function RowActions({ children }: { children: React.ReactNode }) {
  return <Td className="whitespace-nowrap text-right">{children}</Td>;
}

/**
 * An action on one row. The hidden subject names the row, so that a screen reader's list of
 * buttons says "Delete Developers" rather than a column of "Delete".
 */
export function RowAction({
  label,
  subject,
  danger = false,
  onClick,
}: {
  label: string;
  subject: string;
  danger?: boolean;
  onClick: () => void;
}) {
  return (
    <Button variant="ghost" size="sm" className={danger ? 'text-red-700' : undefined} onClick={onClick}>
      {label}
      <span className="sr-only"> {subject}</span>
    </Button>
  );
}

export function EmptyRow({ colSpan, children }: { colSpan: number; children: React.ReactNode }) {
  return (
    <tr>
      <td colSpan={colSpan} className="px-4 py-6 text-center text-slate-500">
        {children}
      </td>
    </tr>
  );
}

/** Heading of an IAM page with its intro and the page's main actions. */
export function IamPageHeader({
  title,
  description,
  actions,
}: {
  title: React.ReactNode;
  description?: React.ReactNode;
  actions?: React.ReactNode;
}) {
  return (
    <div className="flex flex-wrap items-start justify-between gap-4">
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold">{title}</h1>
        {description ? <p className="max-w-3xl text-sm text-slate-600">{description}</p> : null}
      </div>
      {actions ? <div className="flex gap-2">{actions}</div> : null}
    </div>
  );
}
