'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import Link from 'next/link';
import { useState } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { bindPolicyAction, unbindPolicyAction } from '@/app/_actions/groups';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { describedBy, Field, FieldError, errorId } from '@/components/ui/field';
import { FormDialog } from '@/components/ui/form-dialog';
import { Select } from '@/components/ui/input';
import type { GroupBinding } from '@/lib/iam/iam-queries';
import { bindPolicySchema, type BindPolicyInput } from '@/lib/validations/iam';
import { applyActionErrors } from './field-errors';
import { EmptyRow, IamTable, RowAction, RowActions, Td, Th } from './iam-table';
import { useOutcome } from './outcome-status';

interface Named {
  id: string;
  name: string;
}

export const appliesTo = (b: Pick<GroupBinding, 'accountWide' | 'environments'>) =>
  b.accountWide ? 'Whole account' : b.environments.map((e) => e.name).join(', ') || 'No environment';

export function GroupBindings({
  accountId,
  group,
  bindings,
  policies,
  environments,
}: {
  accountId: string;
  group: Named;
  bindings: GroupBinding[];
  policies: Named[];
  environments: Named[];
}) {
  const [binding, setBinding] = useState<GroupBinding | 'new' | null>(null);
  const [unbinding, setUnbinding] = useState<GroupBinding | null>(null);
  const outcome = useOutcome();
  const unbound = policies.filter((p) => !bindings.some((b) => b.policyId === p.id));
  const base = `/accounts/${encodeURIComponent(accountId)}/iam`;

  return (
    <section aria-labelledby="policies-heading" className="space-y-3">
      <div className="flex items-center justify-between gap-4">
        <h2 id="policies-heading" className="text-lg font-semibold">
          Policies
        </h2>
        <Button variant="secondary" onClick={() => setBinding('new')} disabled={unbound.length === 0}>
          Bind policy
        </Button>
      </div>
      <IamTable caption={`Policies bound to ${group.name}`}>
        <thead className="bg-slate-50">
          <tr>
            <Th>Policy</Th>
            <Th>Applies to</Th>
            <Th className="sr-only">Actions</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {bindings.length === 0 ? <EmptyRow colSpan={3}>No policies bound yet.</EmptyRow> : null}
          {bindings.map((b) => (
            <tr key={b.policyId}>
              <Td>
                <Link href={`${base}/policies/${b.policyId}`} prefetch={false} className="font-medium text-brand-700 hover:underline">
                  {b.policyName}
                </Link>
              </Td>
              <Td>{appliesTo(b)}</Td>
              <RowActions>
                <RowAction label="Change environments" subject={`of ${b.policyName}`} onClick={() => setBinding(b)} />
                <RowAction label="Unbind" subject={b.policyName} danger onClick={() => setUnbinding(b)} />
              </RowActions>
            </tr>
          ))}
        </tbody>
      </IamTable>

      {binding ? (
        <BindPolicyDialog
          key={binding === 'new' ? 'new' : binding.policyId}
          accountId={accountId}
          group={group}
          binding={binding === 'new' ? null : binding}
          policies={unbound}
          environments={environments}
          onClose={() => setBinding(null)}
        />
      ) : null}
      <ConfirmDialog
        open={unbinding !== null}
        onOpenChange={(open) => !open && setUnbinding(null)}
        title={`Unbind ${unbinding?.policyName ?? ''} from ${group.name}?`}
        confirmLabel="Unbind"
        variant="danger"
        onConfirm={async () => {
          if (!unbinding) return;
          const result = await unbindPolicyAction({ accountId, groupId: group.id, policyId: unbinding.policyId });
          if (!result.ok) return result.message;
          outcome.report(`Unbound ${unbinding.policyName} from ${group.name}.`);
        }}
        returnFocus={outcome.returnFocus}
      >
        <p>The members of {group.name} lose what this policy grants them at once, and so do their tokens.</p>
      </ConfirmDialog>
    </section>
  );
}

function BindPolicyDialog({
  accountId,
  group,
  binding,
  policies,
  environments,
  onClose,
}: {
  accountId: string;
  group: Named;
  binding: GroupBinding | null;
  policies: Named[];
  environments: Named[];
  onClose: () => void;
}) {
  const [message, setMessage] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    setValue,
    control,
    formState: { errors, isSubmitting },
  } = useForm<BindPolicyInput>({
    resolver: zodResolver(bindPolicySchema),
    defaultValues: {
      accountId,
      groupId: group.id,
      policyId: binding?.policyId ?? '',
      accountWide: binding?.accountWide ?? true,
      environmentIds: binding?.environments.map((e) => e.id) ?? [],
    },
  });
  const accountWide = useWatch({ control, name: 'accountWide' });
  const chosen = useWatch({ control, name: 'environmentIds' }) ?? [];

  const onSubmit = handleSubmit(async (values) => {
    setMessage(null);
    const result = await bindPolicyAction(values);
    if (!result.ok) {
      setMessage(applyActionErrors(result, setError, ['policyId', 'environmentIds']));
      return;
    }
    onClose();
  });

  const envError = errors.environmentIds?.message;
  return (
    <FormDialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={binding ? `Where ${binding.policyName} applies` : `Bind a policy to ${group.name}`}
      description="A policy applies to the whole account, or only in the environments you choose."
      message={message}
      onSubmit={onSubmit}
      isSubmitting={isSubmitting}
      submitLabel={binding ? 'Save' : 'Bind'}
    >
      {binding ? null : (
        <Field id="bind-policy" label="Policy" error={errors.policyId?.message}>
          <Select {...describedBy('bind-policy', errors.policyId?.message)} {...register('policyId')}>
            <option value="">Choose a policy</option>
            {policies.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </Select>
        </Field>
      )}
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-800">Applies to</legend>
        <label className="flex items-center gap-2 text-sm">
          <input type="radio" name="applies-to" checked={accountWide} onChange={() => setValue('accountWide', true)} />
          Whole account
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input type="radio" name="applies-to" checked={!accountWide} onChange={() => setValue('accountWide', false)} />
          Selected environments
        </label>
      </fieldset>
      <fieldset
        className="space-y-2 rounded-md border border-slate-200 p-3 disabled:opacity-60"
        disabled={accountWide}
        aria-describedby={envError ? errorId('bind-environments') : undefined}
      >
        <legend className="px-1 text-sm font-medium text-slate-800">Environments</legend>
        {environments.map((env) => (
          <label key={env.id} className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              checked={chosen.includes(env.id)}
              onChange={(event) =>
                setValue(
                  'environmentIds',
                  event.target.checked ? [...chosen, env.id] : chosen.filter((id) => id !== env.id),
                  { shouldValidate: !!envError },
                )
              }
            />
            {env.name} <span className="text-slate-500">({env.id})</span>
          </label>
        ))}
        <FieldError id="bind-environments" error={envError} />
      </fieldset>
    </FormDialog>
  );
}
