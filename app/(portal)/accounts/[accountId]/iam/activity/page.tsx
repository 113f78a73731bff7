import type { Metadata } from 'next';
import Link from 'next/link';
import { requireAccountAdmin } from '@/app/_lib/session';
import { ActivityFilters } from '@/components/activity/activity-filters';
import { toActivityEventView } from '@/components/activity/activity-event-view';
import { ActivityTable } from '@/components/activity/activity-table';
import { listActivity } from '@/lib/audit-queries';
import { membershipOf } from '@/lib/auth/users';
import { getDb } from '@/lib/db';
import { auditActions } from '@/lib/db/schema';
import { activitySearch, parseActivityParams } from '@/lib/validations/activity';

export const metadata: Metadata = { title: 'Activity' };

const linkClass = 'rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-100';
const disabledClass = 'rounded-md border border-slate-200 px-3 py-1.5 text-sm font-medium text-slate-400';

export default async function ActivityPage({
  params,
  searchParams,
}: {
  params: Promise<{ accountId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { accountId } = await params;
  const actor = await requireAccountAdmin(accountId);
  const accountName = membershipOf(actor, accountId)?.accountName ?? accountId;
  const query = parseActivityParams(await searchParams);
  const page = await listActivity(await getDb(), actor, accountId, query);
  const basePath = `/accounts/${encodeURIComponent(accountId)}/iam/activity`;
  const filtered = Boolean(query.actor || query.token || query.action || query.from || query.to);
  return (
    <div className="space-y-6">
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold">Activity</h1>
        <p className="text-sm text-slate-600">Who changed tokens, settings and access in {accountName}, newest first.</p>
      </div>
      <ActivityFilters basePath={basePath} query={query} actions={auditActions} />
      <ActivityTable
        caption={`Activity in ${accountName}`}
        events={page.events.map(toActivityEventView)}
        emptyText={filtered ? 'No activity matches these filters.' : 'No activity yet.'}
      />
      <nav aria-label="Pages" className="flex items-center justify-end gap-2 text-sm text-slate-700">
        {query.page > 1 ? (
          <Link className={linkClass} href={`${basePath}${activitySearch({ ...query, page: query.page - 1 })}`}>
            Previous
          </Link>
        ) : (
          <span className={disabledClass} aria-disabled="true">
            Previous
          </span>
        )}
        <span aria-current="page">Page {query.page.toLocaleString('en-US')}</span>
        {page.hasNextPage ? (
          <Link className={linkClass} href={`${basePath}${activitySearch({ ...query, page: query.page + 1 })}`}>
            Next
          </Link>
        ) : (
          <span className={disabledClass} aria-disabled="true">
            Next
          </span>
        )}
      </nav>
    </div>
  );
}
