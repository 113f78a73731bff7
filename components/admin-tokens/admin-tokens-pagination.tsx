'use client';

import { Suspense, use, useId } from 'react';
import { Select } from '@/components/ui/input';
import { PageLinks } from '@/components/ui/pager';
import type { TokenCount } from '@/lib/tokens/admin-queries';
import { ADMIN_TOKEN_PAGE_SIZES, type AdminTokenListQuery, type AdminTokenPageSize } from '@/lib/validations/admin-tokens';
import { formatCount } from './plural';

function MatchingCount({ count }: { count: Promise<TokenCount> }) {
  const { count: n, capped } = use(count);
  return <>{formatCount(n, capped)}</>;
}

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
      <PageLinks page={query.page} hasNextPage={hasNextPage} href={(page) => href({ page })} scroll={false} />
    </nav>
  );
}
