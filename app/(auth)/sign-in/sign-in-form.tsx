'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Button } from '@/components/ui/button';
import { describedBy, Field, FormAlert } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { signInSchema, type SignInInput } from '@/lib/validations/auth';
import { signInAction } from './actions';

export function SignInForm({ callbackUrl }: { callbackUrl: string }) {
  const [message, setMessage] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<SignInInput>({ resolver: zodResolver(signInSchema), defaultValues: { email: '', password: '' } });

  const onSubmit = handleSubmit(async (values) => {
    setMessage(null);
    const result = await signInAction(values, callbackUrl);
    if (!result.ok) {
      for (const [field, text] of Object.entries(result.fieldErrors)) {
        if (field === 'email' || field === 'password') setError(field, { message: text });
      }
      setMessage(result.message);
    }
  });

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Sign in">
      <FormAlert message={message} />
      <Field id="email" label="Email" error={errors.email?.message}>
        <Input type="email" autoComplete="username" autoFocus {...describedBy('email', errors.email?.message)} {...register('email')} />
      </Field>
      <Field id="password" label="Password" error={errors.password?.message}>
        <Input
          type="password"
          autoComplete="current-password"
          {...describedBy('password', errors.password?.message)}
          {...register('password')}
        />
      </Field>
      <Button type="submit" className="w-full" disabled={isSubmitting} aria-busy={isSubmitting || undefined}>
        Sign in
      </Button>
    </form>
  );
}
