'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { changePasswordAction, renameSelfAction, signOutEverywhereAction } from '@/app/_actions/profile';
import { applyActionErrors } from '@/components/iam/field-errors';
import { IamTable, Td, Th } from '@/components/iam/iam-table';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { describedBy, Field, FormAlert } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import type { MemberRole } from '@/lib/db/schema';
import { changePasswordSchema, renameSelfSchema, ROLE_LABELS, type ChangePasswordInput, type RenameSelfInput } from '@/lib/validations/people';
import { NewPasswordFields } from './password-fields';

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section aria-labelledby={`${title}-heading`} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 sm:p-6">
      <h2 id={`${title}-heading`} className="text-lg font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

export function ProfileView({
  name,
  email,
  hasPassword,
  memberships,
}: {
  name: string;
  email: string;
  hasPassword: boolean;
  memberships: { accountId: string; accountName: string; role: MemberRole }[];
}) {
  const [signingOut, setSigningOut] = useState(false);
  return (
    <div className="max-w-3xl space-y-6">
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold">Profile</h1>
        <p className="break-all text-sm text-slate-600">{email}</p>
      </div>
      <Section title="Name">
        <NameForm name={name} />
      </Section>
      <Section title="Change password">
        {hasPassword ? <PasswordForm /> : <p className="text-sm text-slate-700">You sign in with single sign-on; there is no password to change here.</p>}
      </Section>
      <Section title="Sessions">
        <p className="text-sm text-slate-700">Signs you out on every browser and device, this one included.</p>
        <Button variant="secondary" onClick={() => setSigningOut(true)}>
          Sign out everywhere
        </Button>
        <ConfirmDialog
          open={signingOut}
          onOpenChange={setSigningOut}
          title="Sign out everywhere?"
          confirmLabel="Sign out everywhere"
          onConfirm={async () => {
            const result = await signOutEverywhereAction({ confirm: true });
            if (!result.ok) return result.message;
          }}
        >
          <p>Every session of yours ends, this one too. You sign in again afterwards.</p>
        </ConfirmDialog>
      </Section>
      <Section title="Accounts and roles">
        {memberships.length === 0 ? (
          <p className="text-sm text-slate-700">You are not a member of any account.</p>
        ) : (
          <IamTable caption="Your accounts and roles">
            <thead className="bg-slate-50">
              <tr>
                <Th>Account</Th>
                <Th>Role</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {memberships.map((m) => (
                <tr key={m.accountId}>
                  <Td className="font-medium">{m.accountName}</Td>
                  <Td>{ROLE_LABELS[m.role]}</Td>
                </tr>
              ))}
            </tbody>
          </IamTable>
        )}
      </Section>
    </div>
  );
}

function NameForm({ name }: { name: string }) {
  const [message, setMessage] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<RenameSelfInput>({ resolver: zodResolver(renameSelfSchema), defaultValues: { name } });
  const onSubmit = handleSubmit(async (values) => {
    setMessage(null);
    setSaved(null);
    const result = await renameSelfAction(values);
    if (!result.ok) setMessage(applyActionErrors(result, setError, ['name']));
    else setSaved('Your name was saved.');
  });
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-3" aria-label="Name">
      <FormAlert message={message} />
      <Field id="profile-name" label="Name" error={errors.name?.message}>
        <Input autoComplete="name" {...describedBy('profile-name', errors.name?.message)} {...register('name')} />
      </Field>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={isSubmitting} aria-busy={isSubmitting || undefined}>
          Save name
        </Button>
        <p role="status" className="text-sm text-green-800">
          {saved}
        </p>
      </div>
    </form>
  );
}

function PasswordForm() {
  const [message, setMessage] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    reset,
    formState: { errors, isSubmitting },
  } = useForm<ChangePasswordInput>({ resolver: zodResolver(changePasswordSchema), defaultValues: { currentPassword: '', password: '', confirmPassword: '' } });
  const onSubmit = handleSubmit(async (values) => {
    setMessage(null);
    setSaved(null);
    const result = await changePasswordAction(values);
    if (!result.ok) {
      setMessage(applyActionErrors(result, setError, ['currentPassword', 'password', 'confirmPassword']));
      return;
    }
    reset();
    const n = result.data.sessionsEnded;
    setSaved(`Your password was changed.${n > 0 ? ` ${n === 1 ? '1 other session was' : `${n} other sessions were`} signed out.` : ''}`);
  });
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-3" aria-label="Change password">
      <p className="text-sm text-slate-700">Your other sessions are signed out; this one stays signed in.</p>
      <FormAlert message={message} />
      <Field id="profile-current-password" label="Current password" error={errors.currentPassword?.message}>
        <Input
          type="password"
          autoComplete="current-password"
          {...describedBy('profile-current-password', errors.currentPassword?.message)}
          {...register('currentPassword')}
        />
      </Field>
      <NewPasswordFields register={register} errors={errors} idPrefix="profile-new" label="New password" />
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={isSubmitting} aria-busy={isSubmitting || undefined}>
          Change password
        </Button>
        <p role="status" className="text-sm text-green-800">
          {saved}
        </p>
      </div>
    </form>
  );
}
