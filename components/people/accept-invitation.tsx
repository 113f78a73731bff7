'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { acceptInvitationAction, joinWithInvitationAction } from '@/app/_actions/invitations';
import { applyActionErrors } from '@/components/iam/field-errors';
import { Button } from '@/components/ui/button';
import { describedBy, Field, FormAlert } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { acceptInvitationSchema, type AcceptInvitationInput } from '@/lib/validations/people';
import { NewPasswordFields } from './password-fields';

/** A new person: a name and a password, then they are signed in. */
export function AcceptInvitationForm({ code }: { code: string }) {
  const [message, setMessage] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<AcceptInvitationInput>({ resolver: zodResolver(acceptInvitationSchema), defaultValues: { code, name: '', password: '', confirmPassword: '' } });

  const onSubmit = handleSubmit(async (values) => {
    setMessage(null);
    const result = await acceptInvitationAction(values);
    if (!result.ok) setMessage(applyActionErrors(result, setError, ['name', 'password', 'confirmPassword']));
  });

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Accept the invitation">
      <FormAlert message={message} />
      <Field id="accept-name" label="Your name" error={errors.name?.message}>
        <Input autoComplete="name" autoFocus {...describedBy('accept-name', errors.name?.message)} {...register('name')} />
      </Field>
      <NewPasswordFields register={register} errors={errors} idPrefix="accept" />
      <Button type="submit" className="w-full" disabled={isSubmitting} aria-busy={isSubmitting || undefined}>
        Accept invitation
      </Button>
    </form>
  );
}

/** Someone signed in as the invited email joins with one click. */
export function JoinAccountButton({ code, accountName }: { code: string; accountName: string }) {
  const router = useRouter();
  const [message, setMessage] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  return (
    <div className="space-y-4">
      <FormAlert message={message} />
      <Button
        className="w-full"
        disabled={pending}
        aria-busy={pending || undefined}
        onClick={async () => {
          setPending(true);
          setMessage(null);
          const result = await joinWithInvitationAction({ code });
          setPending(false);
          if (!result.ok) setMessage(result.message);
          else router.push('/platform-tokens');
        }}
      >
        Join {accountName}
      </Button>
    </div>
  );
}
