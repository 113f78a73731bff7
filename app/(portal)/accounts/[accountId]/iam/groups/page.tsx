import type { Metadata } from 'next';
import { requireAccountAdmin } from '@/app/_lib/session';
import { GroupsTable } from '@/components/iam/groups-table';
import { getDb } from '@/lib/db';
import { listGroups } from '@/lib/iam/iam-queries';

export const metadata: Metadata = { title: 'Groups' };

export default async function GroupsPage({ params }: { params: Promise<{ accountId: string }> }) {
  const { accountId } = await params;
  const actor = await requireAccountAdmin(accountId);
  const groups = await listGroups(await getDb(), actor, accountId);
  return <GroupsTable accountId={accountId} groups={groups} />;
}
