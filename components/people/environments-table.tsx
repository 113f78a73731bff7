'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { addEnvironmentAction, deleteEnvironmentAction, renameEnvironmentAction } from '@/app/_actions/environments';
import { applyActionErrors } from '@/components/iam/field-errors';
import { EmptyRow, IamPageHeader, IamTable, RowAction, RowActions, Td, Th } from '@/components/iam/iam-table';
import { useOutcome } from '@/components/iam/outcome-status';
import { When } from '@/components/ui/when';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { describedBy, Field, FieldError } from '@/components/ui/field';
import { FormDialog } from '@/components/ui/form-dialog';
import { Input } from '@/components/ui/input';
import { environmentIdFromName, environmentIdField, environmentName } from '@/lib/validations/people';
import { z } from 'zod';

export interface EnvironmentView {
  id: string;
  name: string;
  createdAt: string;
  tokens: number;
  onlyHere: number;
}

const tokens = (n: number) => (n === 1 ? '1 token' : `${n} tokens`);

export function EnvironmentsTable({ accountId, environments }: { accountId: string; environments: EnvironmentView[] }) {
  const [adding, setAdding] = useState(false);
  const [renaming, setRenaming] = useState<EnvironmentView | null>(null);
  const [deleting, setDeleting] = useState<EnvironmentView | null>(null);
  const outcome = useOutcome();

  return (
    <div className="space-y-4">
      <IamPageHeader
        title="Environments"
        description="Platform services are addressed per environment: /e/<environment ID>/platform/…. Tokens reach the whole account or chosen environments."
        actions={<Button onClick={() => setAdding(true)}>Add environment</Button>}
      />
      <IamTable caption="Environments of the account">
        <thead className="bg-slate-50">
          <tr>
            <Th>Name</Th>
            <Th>ID</Th>
            <Th className="text-right">Tokens limited to it</Th>
            <Th>Created</Th>
            <Th className="sr-only">Actions</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {environments.length === 0 ? <EmptyRow colSpan={5}>No environments yet.</EmptyRow> : null}
          {environments.map((e) => (
            <tr key={e.id}>
              <Td className="font-medium">{e.name}</Td>
              <Td className="font-mono text-xs">{e.id}</Td>
              <Td className="text-right tabular-nums">{e.tokens}</Td>
              <Td className="whitespace-nowrap text-slate-600">
                <When at={e.createdAt} />
              </Td>
              <RowActions>
                <RowAction label="Rename" subject={e.name} onClick={() => setRenaming(e)} />
                <RowAction label="Delete" subject={e.name} danger onClick={() => setDeleting(e)} />
              </RowActions>
            </tr>
          ))}
        </tbody>
      </IamTable>

      <AddEnvironmentDialog accountId={accountId} open={adding} onOpenChange={setAdding} />
      {renaming ? <RenameEnvironmentDialog accountId={accountId} environment={renaming} onClose={() => setRenaming(null)} /> : null}
      <DeleteEnvironmentDialog accountId={accountId} environment={deleting} onClose={() => setDeleting(null)} outcome={outcome} />
    </div>
  );
}

const addFields = z.object({ name: environmentName, environmentId: environmentIdField });
type AddFields = z.input<typeof addFields>;

function AddEnvironmentDialog({ accountId, open, onOpenChange }: { accountId: string; open: boolean; onOpenChange: (open: boolean) => void }) {
  const [message, setMessage] = useState<string | null>(null);
  // Until the ID is edited by hand, it follows the name.
  const [idEdited, setIdEdited] = useState(false);
  const {
    register,
    handleSubmit,
    setError,
    setValue,
    reset,
    formState: { errors, isSubmitting },
  } = useForm<AddFields>({ resolver: zodResolver(addFields), defaultValues: { name: '', environmentId: '' } });
  const hint = 'Derived from the name; lowercase letters, digits and hyphens. It cannot be changed later.';

  const onSubmit = handleSubmit(async (values) => {
    setMessage(null);
    const result = await addEnvironmentAction({ accountId, ...values });
    if (!result.ok) {
      setMessage(applyActionErrors(result, setError, ['name', 'environmentId']));
      return;
    }
    reset();
    setIdEdited(false);
    onOpenChange(false);
  });

  return (
    <FormDialog
      open={open}
      onOpenChange={(next) => {
        if (!next) {
          setMessage(null);
          setIdEdited(false);
          reset();
        }
        onOpenChange(next);
      }}
      title="Add environment"
      message={message}
      onSubmit={onSubmit}
      isSubmitting={isSubmitting}
      submitLabel="Add environment"
    >
      <Field id="environment-name" label="Name" error={errors.name?.message}>
        <Input
          autoComplete="off"
          {...describedBy('environment-name', errors.name?.message)}
          {...register('name', {
            onChange: (event: React.ChangeEvent<HTMLInputElement>) => {
              if (!idEdited) setValue('environmentId', environmentIdFromName(event.target.value));
            },
          })}
        />
      </Field>
      <Field id="environment-id" label="Environment ID" error={errors.environmentId?.message} hint={hint}>
        <Input
          autoComplete="off"
          spellCheck={false}
          className="font-mono"
          {...describedBy('environment-id', errors.environmentId?.message, hint)}
          {...register('environmentId', { onChange: () => setIdEdited(true) })}
        />
      </Field>
    </FormDialog>
  );
}

const renameFields = z.object({ name: environmentName });

function RenameEnvironmentDialog({ accountId, environment, onClose }: { accountId: string; environment: EnvironmentView; onClose: () => void }) {
  const [message, setMessage] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<z.input<typeof renameFields>>({ resolver: zodResolver(renameFields), defaultValues: { name: environment.name } });

  const onSubmit = handleSubmit(async (values) => {
    setMessage(null);
    const result = await renameEnvironmentAction({ accountId, environmentId: environment.id, ...values });
    if (!result.ok) {
      setMessage(applyActionErrors(result, setError, ['name']));
      return;
    }
    onClose();
  });

  return (
    <FormDialog
      open
      onOpenChange={(next) => !next && onClose()}
      title={`Rename environment ${environment.id}`}
      description="The ID stays the same, so tokens and scripts keep working."
      message={message}
      onSubmit={onSubmit}
      isSubmitting={isSubmitting}
      submitLabel="Rename"
    >
      <Field id="environment-new-name" label="Name" error={errors.name?.message}>
        <Input autoComplete="off" {...describedBy('environment-new-name', errors.name?.message)} {...register('name')} />
      </Field>
    </FormDialog>
  );
}

function DeleteEnvironmentDialog({
  accountId,
  environment,
  onClose,
  outcome,
}: {
  accountId: string;
  environment: EnvironmentView | null;
  onClose: () => void;
  outcome: ReturnType<typeof useOutcome>;
}) {
  const [typed, setTyped] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>();
  return (
    <ConfirmDialog
      open={environment !== null}
      onOpenChange={(open) => {
        if (!open) {
          setTyped('');
          setFieldError(undefined);
          onClose();
        }
      }}
      title={`Delete environment ${environment?.name ?? ''}?`}
      confirmLabel="Delete"
      variant="danger"
      onConfirm={async () => {
        if (!environment) return;
        const result = await deleteEnvironmentAction({ accountId, environmentId: environment.id, confirmation: typed });
        if (!result.ok) {
          setFieldError(result.fieldErrors.confirmation);
          return result.fieldErrors.confirmation ? undefined : result.message;
        }
        setTyped('');
        outcome.report(`Deleted environment ${environment.name} (${environment.id}).`);
      }}
      returnFocus={outcome.returnFocus}
    >
      {environment ? (
        <>
          <p>
            Everything stored in it is removed: documents, app states, records, settings, workflows, apps, notifications and
            emails. {environment.tokens === 0 ? 'No token is limited to it.' : `${tokens(environment.tokens)} lose it`}
            {environment.onlyHere > 0 ? `; ${tokens(environment.onlyHere)} reach no other environment and stop working.` : environment.tokens > 0 ? '.' : ''}{' '}
            This cannot be undone.
          </p>
          <div className="space-y-1">
            <label htmlFor="delete-environment-confirmation" className="block font-medium text-slate-800">
              Type <span className="font-mono">{environment.id}</span> to confirm
            </label>
            <Input
              id="delete-environment-confirmation"
              autoComplete="off"
              spellCheck={false}
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
              aria-invalid={fieldError ? true : undefined}
              aria-describedby={fieldError ? 'delete-environment-confirmation-error' : undefined}
            />
            <FieldError id="delete-environment-confirmation" error={fieldError} />
          </div>
        </>
      ) : null}
    </ConfirmDialog>
  );
}
