'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { CircleAlert, TriangleAlert } from 'lucide-react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Controller, useForm, useWatch, type FieldErrors } from 'react-hook-form';
import { duplicateTokenAction, generateTokenAction } from '@/app/_actions/platform-tokens';
import { startNavigation } from '@/components/app-shell/navigation-progress';
import { Button, buttonClassName } from '@/components/ui/button';
import { describedBy, Field, FormAlert } from '@/components/ui/field';
import { Input, Textarea } from '@/components/ui/input';
import { useNotice } from '@/components/ui/notice';
import type { TokenFormAccount } from '@/lib/tokens/form-options';
import { choiceWithin } from '@/lib/tokens/expiration';
import { tokenFormSchema, type TokenFormInput, type TokenFormValues } from '@/lib/validations/tokens';
import { ExpirationField } from './expiration-field';
import { ScopesTable, type ScopeEndpoints } from './scopes-table';
import { TokenAccountField, TokenOwnerField, TokenReachField } from './token-form-fields';
import { TokenSecretDialog, type SecretToShow } from './token-secret-dialog';
import { useHydrated } from './use-hydrated';
import { useScopeHolding } from './use-scope-holding';

/** The form's fields in the order they appear, with the label the error summary links by. */
const FIELD_LABELS: [keyof TokenFormInput, string][] = [
  ['name', 'Token name'],
  ['expiration', 'Expiration date'],
  ['expiresAt', 'Custom expiration date'],
  ['accountId', 'Account'],
  ['appliesToAccount', 'Apply to account'],
  ['environmentIds', 'Environments'],
  ['generateFor', 'Generate for'],
  ['serviceUserId', 'Owner'],
  ['scopes', 'Scopes'],
  ['allowedClientAddresses', 'Allowed client addresses'],
];
const CLIENT_ADDRESSES_HINT = 'Optional. IPv4 or IPv6 addresses or CIDR blocks, separated by commas or new lines; calls from anywhere else are refused.';
const FIELDS = new Set(FIELD_LABELS.map(([field]) => field));
const FORM_ALERT_ID = 'token-form-alert';

function focusField(id: string) {
  const target = document.getElementById(id);
  target?.scrollIntoView({ block: 'center' });
  target?.focus({ preventScroll: true });
}

/**
 * Keeps the page's scroll padding (app/globals.css) as tall as the bar at its bottom, whose
 * height changes with the error summary and the width: a field that gets focus by Tab, by the
 * summary's links or after a refused Generate scrolls into view above the bar, not under it.
 */
function useStickyFooterHeight() {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const root = document.documentElement;
    const observer = new ResizeObserver(() => root.style.setProperty('--sticky-footer-height', `${element.offsetHeight}px`));
    observer.observe(element);
    return () => {
      observer.disconnect();
      root.style.removeProperty('--sticky-footer-height');
    };
  }, []);
  return ref;
}

/**
 * The bar that stays at the bottom of the window while the form is long: how many scopes are
 * chosen, what stops the form (with links to each field), Cancel and Generate.
 */
function FormFooter({
  scopeCount,
  errors,
  message,
  blocked,
  submitting,
  hydrated,
}: {
  scopeCount: number;
  errors: FieldErrors<TokenFormInput>;
  message: string | null;
  blocked: string | null;
  submitting: boolean;
  hydrated: boolean;
}) {
  const invalid = FIELD_LABELS.filter(([field]) => errors[field]);
  const bar = useStickyFooterHeight();
  return (
    <div ref={bar} data-sticky-footer className="sticky bottom-0 z-10 -mx-4 border-t border-slate-200 bg-white/95 px-4 py-3 shadow-[0_-4px_12px_-6px_rgb(0_0_0/0.15)] backdrop-blur sm:mx-0 sm:rounded-t-lg sm:border-x">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
        <p className="text-sm font-medium text-slate-700" aria-live="polite">
          {scopeCount} {scopeCount === 1 ? 'scope' : 'scopes'} selected
        </p>
        <div className="min-w-0 flex-1 text-sm" aria-live="polite">
          {blocked ? (
            <p id="generate-blocked" className="flex items-start gap-1.5 text-amber-800">
              <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
              <span>Generate is unavailable: {blocked}</span>
            </p>
          ) : invalid.length > 0 ? (
            <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-red-800">
              <CircleAlert aria-hidden className="size-4 shrink-0" />
              <span>
                {invalid.length === 1 ? '1 field needs' : `${invalid.length} fields need`} attention:
              </span>
              {invalid.map(([field, label], index) => (
                <span key={field}>
                  <a
                    href={`#${field}`}
                    className="font-medium underline underline-offset-2"
                    onClick={(event) => {
                      event.preventDefault();
                      focusField(field);
                    }}
                  >
                    {label}
                  </a>
                  {index < invalid.length - 1 ? ',' : ''}
                </span>
              ))}
            </p>
          ) : message ? (
            <p className="flex items-center gap-1.5 text-red-800">
              <CircleAlert aria-hidden className="size-4 shrink-0" />
              <a
                href={`#${FORM_ALERT_ID}`}
                className="font-medium underline underline-offset-2"
                onClick={(event) => {
                  event.preventDefault();
                  focusField(FORM_ALERT_ID);
                }}
              >
                Not generated: see why
              </a>
            </p>
          ) : null}
        </div>
        <div className="ml-auto flex gap-2">
          <Link href="/platform-tokens" prefetch={false} className={buttonClassName('secondary')}>
            Cancel
          </Link>
          <Button
            type="submit"
            disabled={!hydrated || submitting || blocked !== null}
            aria-busy={submitting || undefined}
            aria-describedby={blocked ? 'generate-blocked' : undefined}
          >
            {submitting ? 'Generating…' : 'Generate'}
          </Button>
        </div>
      </div>
    </div>
  );
}

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
  const { notify } = useNotice();
  // What the server said, and the values it said it about: it no longer applies once they change.
  const [refusal, setRefusal] = useState<{ message: string; values: string } | null>(null);
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
    clearErrors,
    formState: { errors, isSubmitting },
  } = form;
  const values = useWatch({ control });
  // A custom date's refusal (the server's too) goes with the custom date: another choice has no date to fix.
  const expiration = values.expiration;
  useEffect(() => {
    if (expiration !== 'custom') clearErrors('expiresAt');
  }, [expiration, clearErrors]);
  const account = useMemo(() => accounts.find((a) => a.id === values.accountId), [accounts, values.accountId]);
  // A choice the account's maximum lifetime does not allow (another account's, or a duplicate's) is not kept.
  const maxLifetimeDays = account?.maxLifetimeDays ?? null;
  useEffect(() => {
    if (!expiration) return;
    const allowed = choiceWithin(expiration, maxLifetimeDays, new Date());
    if (allowed !== expiration) setValue('expiration', allowed);
  }, [expiration, maxLifetimeDays, setValue]);
  const { holdingOf, ownerEmail } = useScopeHolding(account, values);
  const blocked = account ? account.blocked : 'Choose an account where you may generate tokens.';
  const message = refusal && refusal.values === JSON.stringify(values) ? refusal.message : null;

  const onSubmit = handleSubmit(async (input) => {
    setRefusal(null);
    const submitted = JSON.stringify(form.getValues());
    const result = sourceTokenId ? await duplicateTokenAction({ ...input, sourceTokenId }) : await generateTokenAction(input);
    if (!result.ok) {
      let placed = false;
      for (const [field, text] of Object.entries(result.fieldErrors)) {
        if (FIELDS.has(field as keyof TokenFormInput)) {
          setError(field as keyof TokenFormInput, { message: text }, { shouldFocus: !placed });
          placed = true;
        }
      }
      setRefusal({ message: result.message, values: submitted });
      if (!placed) focusField(FORM_ALERT_ID);
      return;
    }
    setSecret({ tokenId: result.data.tokenId, name: result.data.name, token: result.data.token });
  });

  const nameError = errors.name?.message;
  const deniedEverywhere = accounts.every((a) => !a.allowTokenManagement);
  return (
    <>
      <form
        onSubmit={onSubmit}
        noValidate
        className="max-w-5xl space-y-6"
        aria-label={sourceTokenId ? 'Duplicate platform token' : 'Generate platform token'}
      >
        {blocked && (account || deniedEverywhere) ? (
          <div className="flex items-start gap-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
            <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
            <p>
              {deniedEverywhere
                ? 'An admin has turned off “Allow to manage platform tokens” in every account you belong to, so no token can be generated now.'
                : blocked}
            </p>
          </div>
        ) : null}
        <div id={FORM_ALERT_ID} tabIndex={-1} className="focus:outline-none">
          <FormAlert message={message} />
        </div>
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
                maxLifetimeDays={maxLifetimeDays}
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
        <Field
          id="allowedClientAddresses"
          label="Allowed client addresses"
          error={errors.allowedClientAddresses?.message}
          hint={CLIENT_ADDRESSES_HINT}
          className="max-w-xl"
        >
          <Textarea
            rows={2}
            autoComplete="off"
            spellCheck={false}
            placeholder="Any address"
            className="font-mono"
            {...describedBy('allowedClientAddresses', errors.allowedClientAddresses?.message, CLIENT_ADDRESSES_HINT)}
            {...register('allowedClientAddresses')}
          />
        </Field>
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
        <FormFooter
          scopeCount={values.scopes?.length ?? 0}
          errors={errors}
          message={message}
          blocked={blocked}
          submitting={isSubmitting}
          hydrated={hydrated}
        />
      </form>
      <TokenSecretDialog
        secret={secret}
        onFinish={() => {
          if (secret) {
            // Said on the list, once: the message lives in memory, not in the URL.
            notify(`Generated “${secret.name}” (${secret.tokenId}).`, { path: '/platform-tokens', focus: true });
          }
          setSecret(null);
          startNavigation();
          router.push('/platform-tokens');
        }}
      />
    </>
  );
}
