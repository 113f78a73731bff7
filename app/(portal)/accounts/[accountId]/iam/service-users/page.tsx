import type { Metadata } from 'next';
import { requireAccountAdmin } from '@/app/_lib/session';
import { ServiceUsersTable } from '@/components/iam/service-users-table';
import { getDb } from '@/lib/db';
import { listServiceUsers } from '@/lib/iam/iam-queries';

export const metadata: Metadata = { title: 'Service users' };

export default async function ServiceUsersPage({ params }: { params: Promise<{ accountId: string }> }) {
  const { accountId } = await params;
  const actor = await requireAccountAdmin(accountId);
  const serviceUsers = await listServiceUsers(await getDb(), actor, accountId);
  return <ServiceUsersTable accountId={accountId} serviceUsers={serviceUsers} />;
}
