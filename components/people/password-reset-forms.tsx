'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { requestPasswordResetAction, resetPasswordAction } from '@/app/_actions/password-reset';
import { applyActionErrors } from '@/components/iam/field-errors';
import { Button } from '@/components/ui/button';
import { describedBy, Field, FormAlert } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { requestPasswordResetSchema, resetPasswordSchema, type RequestPasswordResetInput, type ResetPasswordInput } from '@/lib/validations/people';
import { NewPasswordFields } from './password-fields';

export function ForgotPasswordForm() {
  const [message, setMessage] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<RequestPasswordResetInput>({ resolver: zodResolver(requestPasswordResetSchema), defaultValues: { email: '' } });
  const onSubmit = handleSubmit(async (values) => {
    setMessage(null);
    setSent(null);
    const result = await requestPasswordResetAction(values);
    if (!result.ok) setMessage(applyActionErrors(result, setError, ['email']));
    else setSent(result.data.message);
  });
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Forgot password">
      <FormAlert message={message} />
      <Field id="reset-email" label="Email" error={errors.email?.message}>
        <Input type="email" autoComplete="username" autoFocus {...describedBy('reset-email', errors.email?.message)} {...register('email')} />
      </Field>
      <Button type="submit" className="w-full" disabled={isSubmitting} aria-busy={isSubmitting || undefined}>
        Send link
      </Button>
      <p role="status" className="text-sm text-slate-800">
        {sent}
      </p>
    </form>
  );
}

export function ResetPasswordForm({ code }: { code: string }) {
  const [message, setMessage] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<ResetPasswordInput>({ resolver: zodResolver(resetPasswordSchema), defaultValues: { code, password: '', confirmPassword: '' } });
  const onSubmit = handleSubmit(async (values) => {
    setMessage(null);
    const result = await resetPasswordAction(values);
    if (!result.ok) setMessage(applyActionErrors(result, setError, ['password', 'confirmPassword']));
  });
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Choose a new password">
      <FormAlert message={message} />
      <NewPasswordFields register={register} errors={errors} idPrefix="reset" label="New password" />
      <Button type="submit" className="w-full" disabled={isSubmitting} aria-busy={isSubmitting || undefined}>
        Set password
      </Button>
    </form>
  );
}
