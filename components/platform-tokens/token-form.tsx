'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMemo, useState } from 'react';
import { Controller, useForm, useWatch } from 'react-hook-form';
import { duplicateTokenAction, generateTokenAction } from '@/app/(portal)/platform-tokens/actions';
import { Button } from '@/components/ui/button';
import { describedBy, Field, FormAlert } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import type { TokenFormAccount } from '@/lib/tokens/form-options';
import { tokenFormSchema, type TokenFormInput, type TokenFormValues } from '@/lib/validations/tokens';
import { ExpirationField } from './expiration-field';
import { ScopesTable, type ScopeEndpoints } from './scopes-table';
import { TokenAccountField, TokenOwnerField, TokenReachField } from './token-form-fields';
import { TokenSecretDialog, type SecretToShow } from './token-secret-dialog';
import { useHydrated } from './use-hydrated';
import { useScopeHolding } from './use-scope-holding';

const FIELDS = new Set<keyof TokenFormInput>([
  'name',
  'expiration',
  'expiresAt',
  'accountId',
  'appliesToAccount',
  'environmentIds',
  'generateFor',
  'serviceUserId',
  'scopes',
]);

/**
 * The create form of PRODUCT.md §5, also used prefilled to duplicate a token. The new token's
 * secret lives only in this component's state while the secret dialog is open.
 */
export function TokenForm({
  accounts,
  initial,
  sourceTokenId,
  endpointsByScope,
}: {
  accounts: TokenFormAccount[];
  initial: TokenFormInput;
  sourceTokenId?: string;
  /** The calls each scope allows, shown and searched in the scope table. */
  endpointsByScope: ScopeEndpoints;
}) {
  const router = useRouter();
  const hydrated = useHydrated();
  const [message, setMessage] = useState<string | null>(null);
  const [secret, setSecret] = useState<SecretToShow | null>(null);
  const form = useForm<TokenFormInput, unknown, TokenFormValues>({
    resolver: zodResolver(tokenFormSchema),
    defaultValues: initial,
  });
  const {
    register,
    control,
    handleSubmit,
    setError,
    setValue,
    formState: { errors, isSubmitting },
  } = form;
  const values = useWatch({ control });
  const account = useMemo(() => accounts.find((a) => a.id === values.accountId), [accounts, values.accountId]);
  const { holdingOf, ownerEmail } = useScopeHolding(account, values);

  const onSubmit = handleSubmit(async (input) => {
    setMessage(null);
    const result = sourceTokenId ? await duplicateTokenAction({ ...input, sourceTokenId }) : await generateTokenAction(input);
    if (!result.ok) {
      let placed = false;
      for (const [field, text] of Object.entries(result.fieldErrors)) {
        if (FIELDS.has(field as keyof TokenFormInput)) {
          setError(field as keyof TokenFormInput, { message: text }, { shouldFocus: !placed });
          placed = true;
        }
      }
      setMessage(result.message);
      return;
    }
    setSecret({ tokenId: result.data.tokenId, name: result.data.name, token: result.data.token });
  });

  const nameError = errors.name?.message;
  return (
    <>
    <form onSubmit={onSubmit} noValidate className="space-y-6" aria-label={sourceTokenId ? 'Duplicate platform token' : 'Generate platform token'}>
      <FormAlert message={message} />
      <div className="grid gap-6 md:grid-cols-2">
        <Field id="name" label="Token name" error={nameError}>
          <Input autoComplete="off" maxLength={300} {...describedBy('name', nameError)} {...register('name')} />
        </Field>
        <Controller
          control={control}
          name="expiration"
          render={({ field }) => (
            <ExpirationField
              choice={field.value}
              onChoiceChange={field.onChange}
              customIso={values.expiresAt ?? ''}
              onCustomChange={(iso) => setValue('expiresAt', iso, { shouldValidate: form.formState.isSubmitted })}
              choiceError={errors.expiration?.message}
              customError={errors.expiresAt?.message}
            />
          )}
        />
      </div>
      <TokenAccountField
        accounts={accounts}
        register={register('accountId', {
          onChange: (event: React.ChangeEvent<HTMLSelectElement>) => {
            const next = accounts.find((a) => a.id === event.target.value);
            setValue('environmentIds', next?.environments.map((e) => e.id) ?? []);
            setValue('generateFor', 'myself');
            setValue('serviceUserId', '');
          },
        })}
        error={errors.accountId?.message}
        selected={account}
      />
      <TokenReachField control={control} account={account} error={errors.environmentIds?.message} />
      <TokenOwnerField control={control} account={account} register={register} errors={errors} />
      <Controller
        control={control}
        name="scopes"
        render={({ field }) => (
          <ScopesTable
            selected={field.value}
            onChange={field.onChange}
            ownerEmail={ownerEmail}
            holdingOf={holdingOf}
            endpointsByScope={endpointsByScope}
            error={errors.scopes?.message}
          />
        )}
      />
      <div className="flex gap-2">
        <Button type="submit" disabled={!hydrated || isSubmitting} aria-busy={isSubmitting || undefined}>
          Generate
        </Button>
        <Link
          href="/platform-tokens"
          className="inline-flex h-10 items-center rounded-md border border-slate-300 bg-white px-4 text-sm font-medium text-slate-800 hover:bg-slate-100"
        >
          Cancel
        </Link>
      </div>
    </form>
    <TokenSecretDialog
        secret={secret}
        onFinish={() => {
          const tokenId = secret?.tokenId;
          setSecret(null);
          router.push(tokenId ? `/platform-tokens?generated=${encodeURIComponent(tokenId)}` : '/platform-tokens');
        }}
      />
    </>
  );
}
