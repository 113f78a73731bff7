'use client';

import Link from 'next/link';
import { useState } from 'react';
import { deletePolicyAction, deletePolicyAndReturnAction } from '@/app/_actions/policies';
import { buttonClassName } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { When } from '@/components/ui/when';
import type { PolicyRow } from '@/lib/iam/iam-queries';
import { EmptyRow, IamPageHeader, IamTable, RowAction, RowActions, Td, Th } from './iam-table';
import { useOutcome } from './outcome-status';


export function PoliciesTable({ accountId, policies }: { accountId: string; policies: PolicyRow[] }) {
  const [deleting, setDeleting] = useState<PolicyRow | null>(null);
  const outcome = useOutcome();
  const base = `/accounts/${encodeURIComponent(accountId)}/iam/policies`;

  return (
    <div className="space-y-4">
      <IamPageHeader
        title="Policies"
        description="A policy is a list of ALLOW and DENY statements. It grants nothing until it is bound to a group."
        actions={
          <Link
            href={`${base}/new`}
            className={buttonClassName()}
          >
            Create policy
          </Link>
        }
      />
      <IamTable caption="Policies of the account">
        <thead className="bg-slate-50">
          <tr>
            <Th>Name</Th>
            <Th>Description</Th>
            <Th className="text-right">Statements</Th>
            <Th className="text-right">Groups</Th>
            <Th>Updated</Th>
            <Th className="sr-only">Actions</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {policies.length === 0 ? <EmptyRow colSpan={6}>No policies yet.</EmptyRow> : null}
          {policies.map((policy) => (
            <tr key={policy.id}>
              <Td>
                <Link href={`${base}/${policy.id}`} prefetch={false} className="font-medium text-brand-700 hover:underline">
                  {policy.name}
                </Link>
              </Td>
              <Td className="text-slate-600">{policy.description}</Td>
              <Td className="text-right tabular-nums">
                {policy.statementCount ?? <span className="text-red-700">Does not parse</span>}
              </Td>
              <Td className="text-right tabular-nums">{policy.groupCount}</Td>
              <Td className="whitespace-nowrap text-slate-600"><When at={policy.updatedAt} /></Td>
              <RowActions>
                <Link href={`${base}/${policy.id}`} prefetch={false} className="inline-flex h-8 items-center rounded-md px-3 text-sm font-medium text-slate-700 hover:bg-slate-100">
                  Edit<span className="sr-only"> {policy.name}</span>
                </Link>
                <RowAction label="Delete" subject={policy.name} danger onClick={() => setDeleting(policy)} />
              </RowActions>
            </tr>
          ))}
        </tbody>
      </IamTable>
      <DeletePolicyDialog
        accountId={accountId}
        policy={deleting}
        onClose={() => setDeleting(null)}
        onDeleted={(name) => outcome.report(`Deleted policy ${name}.`)}
        returnFocus={outcome.returnFocus}
      />
    </div>
  );
}

export function DeletePolicyDialog({
  accountId,
  policy,
  onClose,
  onDeleted,
  returnFocus,
  returnToList = false,
}: {
  accountId: string;
  policy: { id: string; name: string; groupCount: number } | null;
  onClose: () => void;
  onDeleted?: (name: string) => void;
  returnFocus?: () => HTMLElement | null;
  /** Set on the policy's own page, which no longer exists afterwards. */
  returnToList?: boolean;
}) {
  return (
    <ConfirmDialog
      open={policy !== null}
      onOpenChange={(open) => !open && onClose()}
      title={`Delete policy ${policy?.name ?? ''}?`}
      confirmLabel="Delete"
      variant="danger"
      onConfirm={async () => {
        if (!policy) return;
        const remove = returnToList ? deletePolicyAndReturnAction : deletePolicyAction;
        const result = await remove({ accountId, policyId: policy.id });
        if (!result.ok) return result.message;
        onDeleted?.(policy.name);
      }}
      returnFocus={returnFocus}
    >
      {policy ? (
        <p>
          {policy.groupCount === 0
            ? 'It is not bound to any group.'
            : `It is bound to ${policy.groupCount === 1 ? 'one group' : `${policy.groupCount} groups`}; their members lose what it grants at once, and so do their tokens.`}
        </p>
      ) : null}
    </ConfirmDialog>
  );
}
