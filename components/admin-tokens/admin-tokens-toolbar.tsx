'use client';

import { useId, useRef } from 'react';
import { Input, Select } from '@/components/ui/input';
import {
  ADMIN_TOKEN_STATUS_FILTERS,
  SEARCH_MAX,
  withoutSecret,
  type AdminTokenListQuery,
  type AdminTokenStatusFilter,
} from '@/lib/validations/admin-tokens';

const STATUS_LABELS: Record<AdminTokenStatusFilter, string> = {
  all: 'All',
  active: 'Active',
  disabled: 'Disabled',
  expired: 'Expired',
};

const SEARCH_DELAY_MS = 300;

/** "Search tokens" and the status filter; both go to the URL and the server filters. */
export function AdminTokensToolbar({
  query,
  onChange,
  searchRef,
}: {
  query: AdminTokenListQuery;
  onChange: (changes: Partial<AdminTokenListQuery>, options?: { replace?: boolean }) => void;
  searchRef?: React.Ref<HTMLInputElement>;
}) {
  const searchId = useId();
  const statusId = useId();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  function search(input: HTMLInputElement, delay: number) {
    // A pasted whole token is cut to its token ID at once, on screen and in the URL.
    const safe = withoutSecret(input.value);
    if (safe !== input.value) input.value = safe;
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      const q = safe.trim();
      if (q !== query.q) onChange({ q }, { replace: true });
    }, delay);
  }

  return (
    <form
      role="search"
      className="flex flex-wrap items-end gap-3"
      onSubmit={(event) => {
        event.preventDefault();
        const input = event.currentTarget.elements.namedItem('q');
        if (input instanceof HTMLInputElement) search(input, 0);
      }}
    >
      <div className="w-full max-w-sm space-y-1">
        <label htmlFor={searchId} className="block text-sm font-medium text-slate-800">
          Search tokens
        </label>
        <Input
          ref={searchRef}
          id={searchId}
          name="q"
          type="search"
          autoComplete="off"
          maxLength={SEARCH_MAX}
          placeholder="Name, token ID, owner or creator"
          defaultValue={query.q}
          onChange={(event) => search(event.currentTarget, SEARCH_DELAY_MS)}
        />
      </div>
      <div className="space-y-1">
        <label htmlFor={statusId} className="block text-sm font-medium text-slate-800">
          Status
        </label>
        <Select
          id={statusId}
          value={query.status}
          onChange={(event) => onChange({ status: event.currentTarget.value as AdminTokenStatusFilter })}
        >
          {ADMIN_TOKEN_STATUS_FILTERS.map((status) => (
            <option key={status} value={status}>
              {STATUS_LABELS[status]}
            </option>
          ))}
        </Select>
      </div>
    </form>
  );
}
