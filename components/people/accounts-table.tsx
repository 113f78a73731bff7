'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import Link from 'next/link';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { createAccountAction } from '@/app/_actions/accounts';
import { applyActionErrors } from '@/components/iam/field-errors';
import { EmptyRow, IamPageHeader, IamTable, Td, Th } from '@/components/iam/iam-table';
import { When } from '@/components/ui/when';
import { Button } from '@/components/ui/button';
import { describedBy, Field } from '@/components/ui/field';
import { FormDialog } from '@/components/ui/form-dialog';
import { Input } from '@/components/ui/input';
import { createAccountSchema, type CreateAccountInput } from '@/lib/validations/people';
import { InvitationLinkDialog, type LinkToShow } from './invitation-link-dialog';

export interface AccountView {
  id: string;
  name: string;
  createdAt: string;
  members: number;
  environments: number;
  administered: boolean;
}

export function AccountsTable({ accounts }: { accounts: AccountView[] }) {
  const [creating, setCreating] = useState(false);
  const [link, setLink] = useState<LinkToShow | null>(null);
  return (
    <div className="space-y-4">
      <IamPageHeader
        title="Accounts"
        description="Every account of this portal. A new account starts with a Production environment and an Administrators group; its first admin is invited by email."
        actions={<Button onClick={() => setCreating(true)}>Create account</Button>}
      />
      <IamTable caption="Accounts of the portal">
        <thead className="bg-slate-50">
          <tr>
            <Th>Name</Th>
            <Th>ID</Th>
            <Th className="text-right">Members</Th>
            <Th className="text-right">Environments</Th>
            <Th>Created</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {accounts.length === 0 ? <EmptyRow colSpan={5}>No accounts yet.</EmptyRow> : null}
          {accounts.map((a) => (
            <tr key={a.id}>
              <Td className="font-medium">
                {a.administered ? (
                  <Link href={`/accounts/${encodeURIComponent(a.id)}/iam/users`} className="text-brand-700 underline">
                    {a.name}
                  </Link>
                ) : (
                  a.name
                )}
              </Td>
              <Td className="font-mono text-xs">{a.id}</Td>
              <Td className="text-right tabular-nums">{a.members}</Td>
              <Td className="text-right tabular-nums">{a.environments}</Td>
              <Td className="whitespace-nowrap text-slate-600">
                <When at={a.createdAt} />
              </Td>
            </tr>
          ))}
        </tbody>
      </IamTable>
      <CreateAccountDialog open={creating} onOpenChange={setCreating} onCreated={setLink} />
      <InvitationLinkDialog shown={link} onClose={() => setLink(null)} />
    </div>
  );
}

function CreateAccountDialog({ open, onOpenChange, onCreated }: { open: boolean; onOpenChange: (open: boolean) => void; onCreated: (link: LinkToShow) => void }) {
  const [message, setMessage] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    reset,
    formState: { errors, isSubmitting },
  } = useForm<CreateAccountInput>({ resolver: zodResolver(createAccountSchema), defaultValues: { name: '', adminEmail: '' } });

  const onSubmit = handleSubmit(async (values) => {
    setMessage(null);
    const result = await createAccountAction(values);
    if (!result.ok) {
      setMessage(applyActionErrors(result, setError, ['name', 'adminEmail']));
      return;
    }
    reset();
    onOpenChange(false);
    onCreated({ email: result.data.email, link: result.data.link, expiresAt: new Date(result.data.expiresAt).toISOString() });
  });

  return (
    <FormDialog
      open={open}
      onOpenChange={(next) => {
        if (!next) {
          setMessage(null);
          reset();
        }
        onOpenChange(next);
      }}
      title="Create account"
      description="Its first admin gets an invitation by email; you see the link too, once."
      message={message}
      onSubmit={onSubmit}
      isSubmitting={isSubmitting}
      submitLabel="Create account"
    >
      <Field id="account-name" label="Account name" error={errors.name?.message}>
        <Input autoComplete="off" {...describedBy('account-name', errors.name?.message)} {...register('name')} />
      </Field>
      <Field id="account-admin-email" label="First admin's email" error={errors.adminEmail?.message}>
        <Input type="email" autoComplete="off" {...describedBy('account-admin-email', errors.adminEmail?.message)} {...register('adminEmail')} />
      </Field>
    </FormDialog>
  );
}
