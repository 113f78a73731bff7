'use client';

import Link from 'next/link';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { GroupFormDialog } from './group-form-dialog';
import { DeleteGroupDialog } from './groups-table';
import { IamPageHeader } from './iam-table';

export function GroupHeader({
  accountId,
  group,
  memberCount,
  policyCount,
}: {
  accountId: string;
  group: { id: string; name: string; description: string };
  memberCount: number;
  policyCount: number;
}) {
  const [renaming, setRenaming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const list = `/accounts/${encodeURIComponent(accountId)}/iam/groups`;
  return (
    <div className="space-y-2">
      <Link href={list} className="text-sm text-brand-700 hover:underline">
        ← All groups
      </Link>
      <IamPageHeader
        title={group.name}
        description={group.description || undefined}
        actions={
          <>
            <Button variant="secondary" onClick={() => setRenaming(true)}>
              Rename
            </Button>
            <Button variant="danger" onClick={() => setDeleting(true)}>
              Delete
            </Button>
          </>
        }
      />
      <GroupFormDialog accountId={accountId} group={group} open={renaming} onOpenChange={setRenaming} />
      <DeleteGroupDialog
        accountId={accountId}
        group={deleting ? { ...group, memberCount, policyCount } : null}
        onClose={() => setDeleting(false)}
        returnToList
      />
    </div>
  );
}
