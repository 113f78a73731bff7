import Form from 'next/form';
import Link from 'next/link';
import { Button } from '@/components/ui/button';
import { Input, Select } from '@/components/ui/input';
import type { AuditAction } from '@/lib/db/schema';
import { ACTIVITY_PAGE_SIZES, type ActivityQuery } from '@/lib/validations/activity';
import { ACTION_LABELS } from './action-labels';
import { TimeZoneInput, TimeZoneName } from './time-zone-input';

function FilterField({ id, label, children }: { id: string; label: string; children: React.ReactNode }) {
  return (
    <div className="w-full space-y-1 sm:w-auto">
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {children}
    </div>
  );
}

/** The Activity filters: a plain GET form, so every filter is in the URL and works without script. */
export function ActivityFilters({
  basePath,
  query,
  actions,
}: {
  basePath: string;
  query: ActivityQuery;
  actions: readonly AuditAction[];
}) {
  return (
    <Form action={basePath} className="flex flex-wrap items-end gap-3" aria-label="Filter activity" aria-describedby="activity-zone">
      <TimeZoneInput />
      <FilterField id="activity-actor" label="Actor">
        <Input id="activity-actor" name="actor" type="search" placeholder="Email" defaultValue={query.actor} className="w-full sm:w-56" />
      </FilterField>
      <FilterField id="activity-token" label="Token">
        <Input id="activity-token" name="token" type="search" placeholder="Token ID" defaultValue={query.token} className="w-full sm:w-72" />
      </FilterField>
      <FilterField id="activity-action" label="Action">
        <Select id="activity-action" name="action" defaultValue={query.action} className="w-full sm:w-56">
          <option value="">All actions</option>
          {actions.map((action) => (
            <option key={action} value={action}>
              {ACTION_LABELS[action]}
            </option>
          ))}
        </Select>
      </FilterField>
      <FilterField id="activity-from" label="From">
        <Input id="activity-from" name="from" type="date" defaultValue={query.from} className="w-full sm:w-40" />
      </FilterField>
      <FilterField id="activity-to" label="To">
        <Input id="activity-to" name="to" type="date" defaultValue={query.to} className="w-full sm:w-40" />
      </FilterField>
      <FilterField id="activity-size" label="Rows per page">
        <Select id="activity-size" name="size" defaultValue={String(query.size)} className="w-full sm:w-24">
          {ACTIVITY_PAGE_SIZES.map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </Select>
      </FilterField>
      <div className="flex gap-2">
        <Button type="submit">Apply filters</Button>
        <Link href={basePath} prefetch={false} className="inline-flex h-10 items-center rounded-md px-3 text-sm font-medium text-slate-700 hover:bg-slate-100">
          Clear filters
        </Link>
      </div>
      <p id="activity-zone" className="basis-full text-xs text-slate-500">
        Days and times are in your time zone, <TimeZoneName />.
      </p>
    </Form>
  );
}
