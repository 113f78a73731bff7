import type { Metadata } from 'next';
import { requireAccountAdmin } from '@/app/_lib/session';
import { IamPageHeader } from '@/components/iam/iam-table';
import { PolicySimulator } from '@/components/iam/policy-simulator';
import { getDb } from '@/lib/db';
import { simulatorOptions } from '@/lib/iam/iam-queries';

export const metadata: Metadata = { title: 'Policy simulator' };

export default async function SimulatorPage({ params }: { params: Promise<{ accountId: string }> }) {
  const { accountId } = await params;
  const actor = await requireAccountAdmin(accountId);
  const { identities, environments } = await simulatorOptions(await getDb(), actor, accountId);
  return (
    <div className="space-y-4">
      <IamPageHeader
        title="Policy simulator"
        description="See what a user or service user may do: the same policies, bindings and evaluation that platform tokens and the token form use."
      />
      <PolicySimulator accountId={accountId} identities={identities} environments={environments} />
    </div>
  );
}
