import type { Metadata } from 'next';
import Link from 'next/link';
import { requireAccountAdmin } from '@/app/_lib/session';
import { IamPageHeader } from '@/components/iam/iam-table';
import { PolicyEditor } from '@/components/iam/policy-editor';
import { PolicyHelp } from '@/components/iam/policy-help';

export const metadata: Metadata = { title: 'Create policy' };

export default async function NewPolicyPage({ params }: { params: Promise<{ accountId: string }> }) {
  const { accountId } = await params;
  await requireAccountAdmin(accountId);
  return (
    <div className="space-y-4">
      <Link href={`/accounts/${encodeURIComponent(accountId)}/iam/policies`} className="text-sm text-brand-700 hover:underline">
        ← All policies
      </Link>
      <IamPageHeader title="Create policy" description="Bind it to a group afterwards to grant its permissions to the group's members." />
      <div className="grid grid-cols-[minmax(0,1fr)] gap-6 lg:grid-cols-[minmax(0,1fr)_24rem]">
        <PolicyEditor accountId={accountId} />
        <PolicyHelp />
      </div>
    </div>
  );
}
