'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { completeSetupAction, completeSsoSetupAction } from '@/app/_actions/setup';
import { applyActionErrors } from '@/components/iam/field-errors';
import { Button } from '@/components/ui/button';
import { describedBy, Field, FormAlert } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { setupSchema, ssoSetupSchema, type SetupInput } from '@/lib/validations/people';
import { NewPasswordFields } from './password-fields';

const FIELDS = ['code', 'accountName', 'name', 'email', 'password', 'confirmPassword'] as const;

/** `sso`: single sign-on only (PASSWORD_SIGN_IN=false), so the admin gets no password here. */
export function SetupForm({ sso = false }: { sso?: boolean }) {
  const [message, setMessage] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<SetupInput>({
    // Both schemas share every field but the passwords, which the form then leaves out.
    resolver: zodResolver(sso ? (ssoSetupSchema as unknown as typeof setupSchema) : setupSchema),
    defaultValues: { code: '', accountName: '', name: '', email: '', password: '', confirmPassword: '' },
  });

  const onSubmit = handleSubmit(async (values) => {
    setMessage(null);
    const { password, confirmPassword, ...rest } = values;
    const result = sso ? await completeSsoSetupAction(rest) : await completeSetupAction({ ...rest, password, confirmPassword });
    if (!result.ok) setMessage(applyActionErrors(result, setError, FIELDS));
  });

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Set up the portal">
      <FormAlert message={message} />
      <Field id="setup-code" label="Setup code" error={errors.code?.message}>
        <Input autoComplete="off" spellCheck={false} autoFocus className="font-mono" {...describedBy('setup-code', errors.code?.message)} {...register('code')} />
      </Field>
      <Field id="setup-account-name" label="Account name" error={errors.accountName?.message}>
        <Input autoComplete="organization" {...describedBy('setup-account-name', errors.accountName?.message)} {...register('accountName')} />
      </Field>
      <Field id="setup-name" label="Your name" error={errors.name?.message}>
        <Input autoComplete="name" {...describedBy('setup-name', errors.name?.message)} {...register('name')} />
      </Field>
      <Field id="setup-email" label="Email" error={errors.email?.message}>
        <Input type="email" autoComplete="username" {...describedBy('setup-email', errors.email?.message)} {...register('email')} />
      </Field>
      {sso ? null : <NewPasswordFields register={register} errors={errors} idPrefix="setup" />}
      <Button type="submit" className="w-full" disabled={isSubmitting} aria-busy={isSubmitting || undefined}>
        Set up
      </Button>
    </form>
  );
}
