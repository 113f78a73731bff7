import type { Metadata } from 'next';
import { requireAccountAdmin } from '@/app/_lib/session';
import { EnvironmentsTable } from '@/components/people/environments-table';
import { listEnvironments } from '@/lib/accounts/environments';
import { getDb } from '@/lib/db';

export const metadata: Metadata = { title: 'Environments' };

export default async function EnvironmentsPage({ params }: { params: Promise<{ accountId: string }> }) {
  const { accountId } = await params;
  const actor = await requireAccountAdmin(accountId);
  const rows = await listEnvironments(await getDb(), actor, accountId);
  return <EnvironmentsTable accountId={accountId} environments={rows.map((e) => ({ ...e, createdAt: e.createdAt.toISOString() }))} />;
}
