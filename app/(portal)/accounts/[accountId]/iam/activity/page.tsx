import type { Metadata } from 'next';
import { requireAccountAdmin } from '@/app/_lib/session';
import { ActivityFilters } from '@/components/activity/activity-filters';
import { toActivityEventView } from '@/components/activity/activity-event-view';
import { ActivityTable } from '@/components/activity/activity-table';
import { Pager } from '@/components/ui/pager';
import { listActivity } from '@/lib/audit-queries';
import { membershipOf } from '@/lib/auth/users';
import { getDb } from '@/lib/db';
import { auditActions } from '@/lib/db/schema';
import { activitySearch, parseActivityParams } from '@/lib/validations/activity';

export const metadata: Metadata = { title: 'Activity' };

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
      <Pager page={query.page} hasNextPage={page.hasNextPage} href={(n) => `${basePath}${activitySearch({ ...query, page: n })}`} />
    </div>
  );
}
