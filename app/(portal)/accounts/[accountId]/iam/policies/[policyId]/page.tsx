import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requireAccountAdmin } from '@/app/_lib/session';
import { PolicyDeleteButton } from '@/components/iam/policy-delete-button';
import { IamPageHeader } from '@/components/iam/iam-table';
import { PolicyEditor } from '@/components/iam/policy-editor';
import { PolicyHelp } from '@/components/iam/policy-help';
import { getDb } from '@/lib/db';
import { NotFoundError } from '@/lib/errors';
import { policyDetail } from '@/lib/iam/iam-queries';

export const metadata: Metadata = { title: 'Edit policy' };

export default async function PolicyPage({ params }: { params: Promise<{ accountId: string; policyId: string }> }) {
  const { accountId, policyId } = await params;
  const actor = await requireAccountAdmin(accountId);
  const policy = await policyDetail(await getDb(), actor, accountId, policyId).catch((error: unknown) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const base = `/accounts/${encodeURIComponent(accountId)}/iam`;
  return (
    <div className="space-y-4">
      <Link href={`${base}/policies`} className="text-sm text-brand-700 hover:underline">
        ← All policies
      </Link>
      <IamPageHeader
        title={`Edit policy ${policy.name}`}
        description={
          policy.groups.length === 0 ? (
            'Not bound to any group: it grants nothing yet.'
          ) : (
            <>
              Bound to{' '}
              {policy.groups.map((g, i) => (
                <span key={g.id}>
                  {i > 0 ? ', ' : null}
                  <Link href={`${base}/groups/${g.id}`} className="text-brand-700 hover:underline">
                    {g.name}
                  </Link>
                </span>
              ))}
              . Changes apply to their members and tokens as soon as you save.
            </>
          )
        }
        actions={<PolicyDeleteButton accountId={accountId} policy={{ id: policy.id, name: policy.name, groupCount: policy.groups.length }} />}
      />
      <div className="grid grid-cols-[minmax(0,1fr)] gap-6 lg:grid-cols-[minmax(0,1fr)_24rem]">
        <PolicyEditor
          accountId={accountId}
          policy={{ id: policy.id, name: policy.name, description: policy.description, statements: policy.statements }}
        />
        <PolicyHelp />
      </div>
    </div>
  );
}
