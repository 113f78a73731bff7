'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import { createServiceUserAction, deleteServiceUserAction } from '@/app/_actions/service-users';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { When } from '@/components/ui/when';
import { describedBy, Field } from '@/components/ui/field';
import { FormDialog } from '@/components/ui/form-dialog';
import { Input, Textarea } from '@/components/ui/input';
import type { ServiceUserRow } from '@/lib/iam/iam-queries';
import { createServiceUserSchema } from '@/lib/validations/iam';
import { applyActionErrors } from './field-errors';
import { EmptyRow, IamPageHeader, IamTable, RowAction, RowActions, Td, Th } from './iam-table';
import { useOutcome } from './outcome-status';

const count = (n: number, one: string, many: string) => (n === 1 ? `1 ${one}` : `${n} ${many}`);

export function ServiceUsersTable({ accountId, serviceUsers }: { accountId: string; serviceUsers: ServiceUserRow[] }) {
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<ServiceUserRow | null>(null);
  const outcome = useOutcome();

  return (
    <div className="space-y-4">
      <IamPageHeader
        title="Service users"
        description="Non-human identities of the account. They cannot sign in; people who may use them (iam:service-users:use) generate tokens for them, and those tokens act with the service user's permissions."
        actions={<Button onClick={() => setCreating(true)}>Create service user</Button>}
      />
      <IamTable caption="Service users of the account">
        <thead className="bg-slate-50">
          <tr>
            <Th>Email</Th>
            <Th>Name</Th>
            <Th>Description</Th>
            <Th className="text-right">Groups</Th>
            <Th className="text-right">Tokens</Th>
            <Th>Created</Th>
            <Th className="sr-only">Actions</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {serviceUsers.length === 0 ? <EmptyRow colSpan={7}>No service users yet.</EmptyRow> : null}
          {serviceUsers.map((s) => (
            <tr key={s.id}>
              <Td className="font-medium">{s.email}</Td>
              <Td>{s.name}</Td>
              <Td className="text-slate-600">{s.description}</Td>
              <Td className="text-right tabular-nums">{s.groupCount}</Td>
              <Td className="text-right tabular-nums">{s.tokenCount}</Td>
              <Td className="whitespace-nowrap text-slate-600"><When at={s.createdAt} /></Td>
              <RowActions>
                <RowAction label="Delete" subject={s.email} danger onClick={() => setDeleting(s)} />
              </RowActions>
            </tr>
          ))}
        </tbody>
      </IamTable>

      <CreateServiceUserDialog accountId={accountId} open={creating} onOpenChange={setCreating} />
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(open) => !open && setDeleting(null)}
        title={`Delete service user ${deleting?.email ?? ''}?`}
        confirmLabel="Delete"
        variant="danger"
        onConfirm={async () => {
          if (!deleting) return;
          const result = await deleteServiceUserAction({ accountId, serviceUserId: deleting.id });
          if (!result.ok) return result.message;
          outcome.report(`Deleted service user ${deleting.email}.`);
        }}
        returnFocus={outcome.returnFocus}
      >
        {deleting ? (
          <p>
            {deleting.tokenCount === 0
              ? 'It has no tokens.'
              : deleting.tokenCount === 1
                ? 'Its token is deleted with it and stops working at once.'
                : `Its ${deleting.tokenCount} tokens are deleted with it and stop working at once.`}{' '}
            It leaves its {count(deleting.groupCount, 'group', 'groups')}. This cannot be undone.
          </p>
        ) : null}
      </ConfirmDialog>
    </div>
  );
}

const fieldsSchema = createServiceUserSchema.pick({ email: true, name: true, description: true });
type ServiceUserFields = z.input<typeof fieldsSchema>;

function CreateServiceUserDialog({
  accountId,
  open,
  onOpenChange,
}: {
  accountId: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const [message, setMessage] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    reset,
    formState: { errors, isSubmitting },
  } = useForm<ServiceUserFields>({ resolver: zodResolver(fieldsSchema), defaultValues: { email: '', name: '', description: '' } });

  const onSubmit = handleSubmit(async (values) => {
    setMessage(null);
    const result = await createServiceUserAction({ accountId, ...values });
    if (!result.ok) {
      setMessage(applyActionErrors(result, setError, ['email', 'name', 'description']));
      return;
    }
    reset();
    onOpenChange(false);
  });

  return (
    <FormDialog
      open={open}
      onOpenChange={(next) => {
        if (!next) setMessage(null);
        onOpenChange(next);
      }}
      title="Create service user"
      description="A service user gets its permissions through the groups it is a member of."
      message={message}
      onSubmit={onSubmit}
      isSubmitting={isSubmitting}
      submitLabel="Create service user"
    >
      <Field
        id="service-user-email"
        label="Email"
        error={errors.email?.message}
        hint="Must end in @service.<domain>, e.g. deployer@service.example.com."
      >
        <Input
          type="email"
          autoComplete="off"
          {...describedBy('service-user-email', errors.email?.message, 'hint')}
          {...register('email')}
        />
      </Field>
      <Field id="service-user-name" label="Name" error={errors.name?.message}>
        <Input autoComplete="off" {...describedBy('service-user-name', errors.name?.message)} {...register('name')} />
      </Field>
      <Field id="service-user-description" label="Description" error={errors.description?.message}>
        <Textarea rows={2} {...describedBy('service-user-description', errors.description?.message)} {...register('description')} />
      </Field>
    </FormDialog>
  );
}
