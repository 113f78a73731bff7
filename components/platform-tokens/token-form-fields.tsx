'use client';

import { Controller, useWatch, type Control, type FieldErrors, type UseFormRegister, type UseFormRegisterReturn } from 'react-hook-form';
import { describedBy, errorId, Field, FieldError, hintId } from '@/components/ui/field';
import { Select } from '@/components/ui/input';
import type { TokenFormAccount } from '@/lib/tokens/form-options';
import type { TokenFormInput, TokenFormValues } from '@/lib/validations/tokens';

type FormControl = Control<TokenFormInput, unknown, TokenFormValues>;

/** "Account": the user's accounts; those where token management is off cannot be chosen, and say why. */
export function TokenAccountField({
  accounts,
  register,
  error,
  selected,
}: {
  accounts: readonly TokenFormAccount[];
  register: UseFormRegisterReturn<'accountId'>;
  error?: string;
  selected: TokenFormAccount | undefined;
}) {
  const denied = accounts.filter((a) => !a.allowTokenManagement);
  const atLimit = selected && selected.tokenCount >= selected.limit;
  const hint = selected
    ? `You have ${selected.tokenCount} of ${selected.limit} platform tokens in ${selected.name}.${
        atLimit ? ' Delete one to generate another.' : ''
      }`
    : undefined;
  return (
    <div className="space-y-2">
      <Field id="accountId" label="Account" error={error} hint={hint}>
        <Select {...describedBy('accountId', error, hint)} {...register}>
          {selected ? null : <option value="">Choose an account</option>}
          {accounts.map((a) => (
            <option key={a.id} value={a.id} disabled={!a.allowTokenManagement}>
              {a.allowTokenManagement ? a.name : `${a.name} (token management turned off)`}
            </option>
          ))}
        </Select>
      </Field>
      {denied.map((a) => (
        <p key={a.id} className="rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-700">
          {a.name} cannot be chosen: an admin has turned off “Allow to manage platform tokens” there.
        </p>
      ))}
    </div>
  );
}

/** "Apply to account" and "Environments": the token reaches the whole account or the chosen environments. */
export function TokenReachField({
  control,
  account,
  error,
}: {
  control: FormControl;
  account: TokenFormAccount | undefined;
  error?: string;
}) {
  const appliesToAccount = useWatch({ control, name: 'appliesToAccount' });
  const environments = account?.environments ?? [];
  return (
    <div className="space-y-3">
      <Controller
        control={control}
        name="appliesToAccount"
        render={({ field }) => (
          <div>
            <label className="inline-flex items-center gap-2 text-sm font-medium text-slate-800">
              <input
                type="checkbox"
                className="size-4"
                checked={field.value}
                onChange={(e) => field.onChange(e.target.checked)}
                aria-describedby={hintId('appliesToAccount')}
              />
              Apply to account
            </label>
            <p id={hintId('appliesToAccount')} className="ml-6 text-xs text-slate-500">
              The token reaches every environment of {account?.name ?? 'the account'}, including ones added later.
            </p>
          </div>
        )}
      />
      <Controller
        control={control}
        name="environmentIds"
        render={({ field }) => (
          <fieldset
            id="environmentIds"
            tabIndex={-1}
            disabled={appliesToAccount}
            aria-describedby={error ? errorId('environmentIds') : undefined}
            className="space-y-1 disabled:opacity-60"
          >
            <legend className="text-sm font-medium text-slate-800">Environments</legend>
            {environments.length === 0 ? <p className="text-sm text-slate-600">This account has no environments.</p> : null}
            <div className="flex flex-wrap gap-4">
              {environments.map((env) => (
                <label key={env.id} className="inline-flex items-center gap-2 text-sm">
                  <input
                    type="checkbox"
                    className="size-4"
                    checked={!appliesToAccount && field.value.includes(env.id)}
                    onChange={(e) =>
                      field.onChange(
                        e.target.checked ? [...field.value, env.id] : field.value.filter((id) => id !== env.id),
                      )
                    }
                  />
                  {env.name}
                  <span className="font-mono text-xs text-slate-500">{env.id}</span>
                </label>
              ))}
            </div>
            <FieldError id="environmentIds" error={appliesToAccount ? undefined : error} />
          </fieldset>
        )}
      />
    </div>
  );
}

/** "Generate for": "Myself", or a service user the user may use in this account. */
export function TokenOwnerField({
  control,
  account,
  register,
  errors,
}: {
  control: FormControl;
  account: TokenFormAccount | undefined;
  register: UseFormRegister<TokenFormInput>;
  errors: FieldErrors<TokenFormInput>;
}) {
  const generateFor = useWatch({ control, name: 'generateFor' });
  const serviceUsers = account?.owners.filter((o) => o.key !== 'myself') ?? [];
  const none = serviceUsers.length === 0;
  const serviceUserError = errors.serviceUserId?.message;
  return (
    <fieldset className="space-y-2" aria-describedby={none ? hintId('generateFor') : undefined}>
      <legend className="text-sm font-medium text-slate-800">Generate for</legend>
      <div className="flex flex-wrap gap-4">
        <label className="inline-flex items-center gap-2 text-sm">
          <input type="radio" value="myself" className="size-4" {...register('generateFor')} />
          Myself
        </label>
        <label className="inline-flex items-center gap-2 text-sm">
          <input type="radio" value="service-user" className="size-4" disabled={none} {...register('generateFor')} />
          Service user
        </label>
      </div>
      {none ? (
        <p id={hintId('generateFor')} className="text-xs text-slate-500">
          No policy in {account?.name ?? 'this account'} lets you generate tokens for a service user.
        </p>
      ) : null}
      {generateFor === 'service-user' && !none ? (
        <Field
          id="serviceUserId"
          label="Owner"
          hint="The token acts as this service user, within what its policies allow."
          error={serviceUserError}
          className="max-w-md"
        >
          <Select
            {...describedBy('serviceUserId', serviceUserError, 'hint')}
            {...register('serviceUserId')}
          >
            <option value="">Choose a service user</option>
            {serviceUsers.map((s) => (
              <option key={s.key} value={s.key}>
                {s.email}
              </option>
            ))}
          </Select>
        </Field>
      ) : null}
    </fieldset>
  );
}
