'use client';

import Link from 'next/link';
import { useState } from 'react';
import { deleteGroupAction, deleteGroupAndReturnAction } from '@/app/_actions/groups';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import type { GroupRow } from '@/lib/iam/iam-queries';
import { GroupFormDialog } from './group-form-dialog';
import { EmptyRow, IamPageHeader, IamTable, RowAction, RowActions, Td, Th } from './iam-table';
import { useOutcome } from './outcome-status';

type RowAction = { kind: 'rename' | 'delete'; group: GroupRow } | null;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function GroupsTable({ accountId, groups }: { accountId: string; groups: GroupRow[] }) {
  const [creating, setCreating] = useState(false);
  const [rowAction, setRowAction] = useState<RowAction>(null);
  const outcome = useOutcome();
  const base = `/accounts/${encodeURIComponent(accountId)}/iam/groups`;

  return (
    <div className="space-y-4">
      <IamPageHeader
        title="Groups"
        description="Users and service users get their permissions through groups: each policy bound to a group applies to all its members, account-wide or in chosen environments."
        actions={<Button onClick={() => setCreating(true)}>Create group</Button>}
      />
      <IamTable caption="Groups of the account">
        <thead className="bg-slate-50">
          <tr>
            <Th>Name</Th>
            <Th>Description</Th>
            <Th className="text-right">Members</Th>
            <Th className="text-right">Policies</Th>
            <Th className="sr-only">Actions</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {groups.length === 0 ? <EmptyRow colSpan={5}>No groups yet.</EmptyRow> : null}
          {groups.map((group) => (
            <tr key={group.id}>
              <Td>
                <Link href={`${base}/${group.id}`} prefetch={false} className="font-medium text-brand-700 hover:underline">
                  {group.name}
                </Link>
              </Td>
              <Td className="text-slate-600">{group.description}</Td>
              <Td className="text-right tabular-nums">{group.memberCount}</Td>
              <Td className="text-right tabular-nums">{group.policyCount}</Td>
              <RowActions>
                <RowAction label="Rename" subject={group.name} onClick={() => setRowAction({ kind: 'rename', group })} />
                <RowAction label="Delete" subject={group.name} danger onClick={() => setRowAction({ kind: 'delete', group })} />
              </RowActions>
            </tr>
          ))}
        </tbody>
      </IamTable>

      <GroupFormDialog accountId={accountId} open={creating} onOpenChange={setCreating} />
      <GroupFormDialog
        accountId={accountId}
        group={rowAction?.kind === 'rename' ? rowAction.group : undefined}
        open={rowAction?.kind === 'rename'}
        onOpenChange={(open) => !open && setRowAction(null)}
      />
      <DeleteGroupDialog
        accountId={accountId}
        group={rowAction?.kind === 'delete' ? rowAction.group : null}
        onClose={() => setRowAction(null)}
        onDeleted={(name) => outcome.report(`Deleted group ${name}.`)}
        returnFocus={outcome.returnFocus}
      />
    </div>
  );
}

export function DeleteGroupDialog({
  accountId,
  group,
  onClose,
  onDeleted,
  returnFocus,
  returnToList = false,
}: {
  accountId: string;
  group: { id: string; name: string; memberCount: number; policyCount: number } | null;
  onClose: () => void;
  onDeleted?: (name: string) => void;
  returnFocus?: () => HTMLElement | null;
  /** Set on the group's own page, which no longer exists afterwards. */
  returnToList?: boolean;
}) {
  return (
    <ConfirmDialog
      open={group !== null}
      onOpenChange={(open) => !open && onClose()}
      title={`Delete group ${group?.name ?? ''}?`}
      confirmLabel="Delete"
      variant="danger"
      onConfirm={async () => {
        if (!group) return;
        const remove = returnToList ? deleteGroupAndReturnAction : deleteGroupAction;
        const result = await remove({ accountId, groupId: group.id });
        if (!result.ok) return result.message;
        onDeleted?.(group.name);
      }}
      returnFocus={returnFocus}
    >
      {group ? (
        <p>
          Its {plural(group.memberCount, 'member', 'members')} {group.memberCount === 1 ? 'loses' : 'lose'} the permissions of its{' '}
          {plural(group.policyCount, 'bound policy', 'bound policies')} at once, and so do their tokens. The policies themselves
          are kept.
        </p>
      ) : null}
    </ConfirmDialog>
  );
}
