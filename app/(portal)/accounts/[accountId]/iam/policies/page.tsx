import type { Metadata } from 'next';
import { requireAccountAdmin } from '@/app/_lib/session';
import { PoliciesTable } from '@/components/iam/policies-table';
import { getDb } from '@/lib/db';
import { listPolicies } from '@/lib/iam/iam-queries';

export const metadata: Metadata = { title: 'Policies' };

export default async function PoliciesPage({ params }: { params: Promise<{ accountId: string }> }) {
  const { accountId } = await params;
  const actor = await requireAccountAdmin(accountId);
  const policies = await listPolicies(await getDb(), actor, accountId);
  return <PoliciesTable accountId={accountId} policies={policies} />;
}
