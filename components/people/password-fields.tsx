'use client';

import type { FieldErrors, UseFormRegister } from 'react-hook-form';
import { describedBy, Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { MIN_PASSWORD_LENGTH } from '@/lib/validations/people';

type PasswordValues = { password: string; confirmPassword: string };

/** "Password" and "Confirm password", with the rule every new password follows. */
export function NewPasswordFields<T extends PasswordValues>({
  register,
  errors,
  idPrefix,
  label = 'Password',
}: {
  register: UseFormRegister<T>;
  errors: FieldErrors<T>;
  idPrefix: string;
  label?: string;
}) {
  const reg = register as unknown as UseFormRegister<PasswordValues>;
  const errs = errors as FieldErrors<PasswordValues>;
  const hint = `At least ${MIN_PASSWORD_LENGTH} characters; common passwords are refused.`;
  return (
    <>
      <Field id={`${idPrefix}-password`} label={label} error={errs.password?.message} hint={hint}>
        <Input type="password" autoComplete="new-password" {...describedBy(`${idPrefix}-password`, errs.password?.message, hint)} {...reg('password')} />
      </Field>
      <Field id={`${idPrefix}-confirm-password`} label="Confirm password" error={errs.confirmPassword?.message}>
        <Input
          type="password"
          autoComplete="new-password"
          {...describedBy(`${idPrefix}-confirm-password`, errs.confirmPassword?.message)}
          {...reg('confirmPassword')}
        />
      </Field>
    </>
  );
}
