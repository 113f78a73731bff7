'use client';

import Link from 'next/link';
import { Suspense, use, useId } from 'react';
import { Select } from '@/components/ui/input';
import type { TokenCount } from '@/lib/tokens/admin-queries';
import { ADMIN_TOKEN_PAGE_SIZES, type AdminTokenListQuery, type AdminTokenPageSize } from '@/lib/validations/admin-tokens';
import { formatCount } from './plural';

function MatchingCount({ count }: { count: Promise<TokenCount> }) {
  const { count: n, capped } = use(count);
  return <>{formatCount(n, capped)}</>;
}

const linkClass = 'rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-100';
const disabledClass = 'rounded-md border border-slate-200 px-3 py-1.5 text-sm font-medium text-slate-400';

/** Rows per page, where this page is, and the way to the pages around it (all in the URL). */
export function AdminTokensPagination({
  query,
  rowCount,
  hasNextPage,
  count,
  href,
  onSizeChange,
}: {
  query: AdminTokenListQuery;
  rowCount: number;
  hasNextPage: boolean;
  /** The number of matching tokens, counted apart from the page (it may arrive later). */
  count: Promise<TokenCount>;
  href: (changes: Partial<AdminTokenListQuery>) => string;
  onSizeChange: (size: AdminTokenPageSize) => void;
}) {
  const sizeId = useId();
  const first = (query.page - 1) * query.size + 1;
  return (
    <nav aria-label="Pages" className="flex flex-wrap items-center justify-between gap-3 text-sm text-slate-700">
      <div className="flex items-center gap-2">
        <label htmlFor={sizeId} className="whitespace-nowrap">
          Rows per page
        </label>
        <Select
          id={sizeId}
          className="w-auto"
          value={query.size}
          onChange={(event) => onSizeChange(Number(event.currentTarget.value) as AdminTokenPageSize)}
        >
          {ADMIN_TOKEN_PAGE_SIZES.map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </Select>
      </div>
      <p aria-live="polite">
        {rowCount > 0 ? `Showing ${formatCount(first)}–${formatCount(first + rowCount - 1)} of ` : 'Matching tokens: '}
        <Suspense fallback="…">
          <MatchingCount count={count} />
        </Suspense>
      </p>
      <div className="flex items-center gap-2">
        {query.page > 1 ? (
          <Link className={linkClass} href={href({ page: query.page - 1 })} scroll={false}>
            Previous
          </Link>
        ) : (
          <span className={disabledClass} aria-disabled="true">
            Previous
          </span>
        )}
        <span aria-current="page">Page {formatCount(query.page)}</span>
        {hasNextPage ? (
          <Link className={linkClass} href={href({ page: query.page + 1 })} scroll={false}>
            Next
          </Link>
        ) : (
          <span className={disabledClass} aria-disabled="true">
            Next
          </span>
        )}
      </div>
    </nav>
  );
}
