import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { requireAccountAdmin } from '@/app/_lib/session';
import { GroupBindings } from '@/components/iam/group-bindings';
import { GroupHeader } from '@/components/iam/group-header';
import { GroupMembers } from '@/components/iam/group-members';
import { getDb } from '@/lib/db';
import { NotFoundError } from '@/lib/errors';
import { groupDetail } from '@/lib/iam/iam-queries';
import { isUuid } from '@/lib/validations/iam';

export const metadata: Metadata = { title: 'Group' };

export default async function GroupPage({ params }: { params: Promise<{ accountId: string; groupId: string }> }) {
  const { accountId, groupId } = await params;
  const actor = await requireAccountAdmin(accountId);
  if (!isUuid(groupId)) notFound();
  const detail = await groupDetail(await getDb(), actor, accountId, groupId).catch((error: unknown) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const group = { id: detail.group.id, name: detail.group.name };
  return (
    <div className="space-y-8">
      <GroupHeader
        accountId={accountId}
        group={detail.group}
        memberCount={detail.members.length + detail.formerMembers}
        policyCount={detail.bindings.length}
      />
      <GroupMembers
        accountId={accountId}
        group={group}
        members={detail.members}
        candidates={detail.candidates}
        formerMembers={detail.formerMembers}
      />
      <GroupBindings
        accountId={accountId}
        group={group}
        bindings={detail.bindings}
        policies={detail.policies}
        environments={detail.environments}
      />
    </div>
  );
}
