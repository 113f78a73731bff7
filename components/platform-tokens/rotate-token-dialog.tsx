'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useLayoutEffect, useRef, useState } from 'react';
import { Controller, useForm, useWatch } from 'react-hook-form';
import { rotateTokenAction } from '@/app/_actions/platform-tokens';
import { Button } from '@/components/ui/button';
import { Dialog, DialogClose, DialogContent, DialogFooter } from '@/components/ui/dialog';
import { describedBy, Field, FormAlert } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { formatDateTime } from '@/lib/tokens/display';
import {
  latestOldExpiry,
  MAX_OVERLAP_DAYS,
  proposeNewExpiration,
  proposeOldExpiry,
  proposeRotationName,
  rotationRefusal,
} from '@/lib/tokens/rotation-proposals';
import type { TokenRow } from '@/lib/tokens/token-row';
import { rotateTokenSchema, type RotateTokenInput, type RotateTokenValues } from '@/lib/validations/rotation';
import { isoToLocalInput, localInputToIso } from './date-input';
import { ExpirationField } from './expiration-field';
import { TokenIdCell } from './token-cells';
import { TokenSecretDialog, type SecretToShow } from './token-secret-dialog';

const FIELDS = new Set<keyof RotateTokenInput>(['expireOld', 'oldExpiresAt', 'name', 'expiration', 'expiresAt']);

/** The proposals, computed in the browser: the name carries the user's local date. */
function proposals(token: TokenRow, laterUnavailable: boolean): RotateTokenInput {
  const now = new Date();
  const expiresAt = token.expiresAt ? new Date(token.expiresAt) : null;
  return {
    tokenId: token.tokenId,
    expireOld: laterUnavailable ? 'immediately' : 'later',
    oldExpiresAt: proposeOldExpiry(expiresAt, now).toISOString(),
    name: proposeRotationName(token.name, now, Intl.DateTimeFormat().resolvedOptions().timeZone),
    ...proposeNewExpiration({ createdAt: new Date(token.createdAt), expiresAt }, token.accountMaxLifetimeDays, now),
  };
}

/**
 * "Rotate": a new token with the same account, reach, owner and scopes, then its secret once.
 * The old token stops at once ("Immediately") or at a chosen time ("Later").
 */
export function RotateTokenDialog({
  token,
  onClose,
  onDone,
  returnFocus,
}: {
  token: TokenRow;
  onClose: () => void;
  onDone: (message: string) => void;
  /** Where focus goes once the dialog has closed (its opener, a menu item, is gone). */
  returnFocus: () => HTMLElement | null;
}) {
  const [secret, setSecret] = useState<SecretToShow | null>(null);
  // Read when the form's dialog unmounts: set in the same commit, before Radix asks where focus goes.
  const showingSecret = useRef(false);
  useLayoutEffect(() => {
    showingSecret.current = secret !== null;
  }, [secret]);
  const [doneMessage, setDoneMessage] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const refusal = rotationRefusal({
    tokenId: token.tokenId,
    state: token.state,
    rotated: token.rotatedAt !== null,
    successorTokenId: token.rotatedToTokenId,
  });
  const laterUnavailable = token.actions.find((a) => a.kind === 'rotate')?.laterUnavailable;
  const [defaults] = useState(() => proposals(token, laterUnavailable !== undefined));
  const {
    register,
    control,
    handleSubmit,
    setError,
    setValue,
    formState: { errors, isSubmitting, isSubmitted },
  } = useForm<RotateTokenInput, unknown, RotateTokenValues>({ resolver: zodResolver(rotateTokenSchema), defaultValues: defaults });
  const expireOld = useWatch({ control, name: 'expireOld' });
  const expiresAt = useWatch({ control, name: 'expiresAt' });

  const onSubmit = handleSubmit(async (input) => {
    setMessage(null);
    const result = await rotateTokenAction(input);
    if (!result.ok) {
      for (const [field, text] of Object.entries(result.fieldErrors)) {
        if (FIELDS.has(field as keyof RotateTokenInput)) setError(field as keyof RotateTokenInput, { message: text });
      }
      setMessage(result.message);
      return;
    }
    const { data } = result;
    const stops =
      input.expireOld === 'immediately'
        ? 'The old token stopped working.'
        : `The old token stops at ${formatDateTime(new Date(data.oldExpiresAt))}.`;
    setDoneMessage(`Rotated “${token.name}” (${data.oldTokenId}) to “${data.name}” (${data.tokenId}). ${stops}`);
    setSecret({ tokenId: data.tokenId, name: data.name, token: data.token });
  });

  if (secret) {
    return (
      <TokenSecretDialog
        secret={secret}
        onFinish={() => {
          setSecret(null);
          onDone(doneMessage);
          onClose();
        }}
        returnFocus={returnFocus}
      />
    );
  }

  const oldError = errors.oldExpiresAt?.message;
  const oldHint = token.expiresAt
    ? `After now, within ${MAX_OVERLAP_DAYS} days, and no later than ${formatDateTime(new Date(token.expiresAt))}, when it expires anyway.`
    : `After now, and within ${MAX_OVERLAP_DAYS} days.`;
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent
        // Replaced by the secret dialog, which takes focus itself; else focus goes where asked.
        onCloseAutoFocus={(event) => {
          const target = showingSecret.current ? null : returnFocus();
          if (showingSecret.current || target) event.preventDefault();
          target?.focus();
        }}
        title="Rotate platform token"
        description={
          <>
            Replace “{token.name}” (<TokenIdCell tokenId={token.tokenId} />) with a new token of the same account, environments,
            owner and scopes.
          </>
        }
      >
        {refusal ? (
          <>
            <FormAlert message={refusal} />
            <DialogFooter>
              <DialogClose asChild>
                <Button variant="secondary">Cancel</Button>
              </DialogClose>
            </DialogFooter>
          </>
        ) : (
          <form onSubmit={onSubmit} noValidate className="space-y-5" aria-label="Rotate platform token">
            <FormAlert message={message} />
            <fieldset className="space-y-2">
              <legend className="text-sm font-medium text-slate-800">Expire old token</legend>
              <div className="flex gap-4">
                <label className="inline-flex items-center gap-2 text-sm">
                  <input type="radio" value="immediately" className="size-4" {...register('expireOld')} />
                  Immediately
                </label>
                <label className={laterUnavailable ? 'inline-flex items-center gap-2 text-sm text-slate-500' : 'inline-flex items-center gap-2 text-sm'}>
                  <input
                    type="radio"
                    value="later"
                    className="size-4"
                    disabled={laterUnavailable !== undefined}
                    aria-describedby={laterUnavailable ? 'rotate-later-unavailable' : undefined}
                    {...register('expireOld')}
                  />
                  Later
                </label>
              </div>
              <p className="text-xs text-slate-500">
                {expireOld === 'immediately'
                  ? 'For a leaked token: it stops working as soon as you rotate.'
                  : 'Both tokens work until then, so you can switch over without downtime.'}
              </p>
              {laterUnavailable ? (
                <p id="rotate-later-unavailable" className="text-xs text-slate-700">
                  {laterUnavailable}
                </p>
              ) : null}
            </fieldset>
            {expireOld === 'later' ? (
              <Field id="oldExpiresAt" label="Old token expires at" error={oldError} hint={oldHint}>
                <Input
                  type="datetime-local"
                  {...describedBy('oldExpiresAt', oldError, oldHint)}
                  defaultValue={isoToLocalInput(defaults.oldExpiresAt)}
                  max={isoToLocalInput(latestOldExpiry(token.expiresAt ? new Date(token.expiresAt) : null, new Date()).toISOString())}
                  onChange={(e) => setValue('oldExpiresAt', localInputToIso(e.target.value), { shouldValidate: isSubmitted })}
                />
              </Field>
            ) : null}
            <Field id="rotate-name" label="Token name" error={errors.name?.message}>
              <Input autoComplete="off" {...describedBy('rotate-name', errors.name?.message)} {...register('name')} />
            </Field>
            <Controller
              control={control}
              name="expiration"
              render={({ field }) => (
                <ExpirationField
                  idPrefix="rotate-"
                  choice={field.value}
                  onChoiceChange={field.onChange}
                  customIso={expiresAt}
                  onCustomChange={(iso) => setValue('expiresAt', iso, { shouldValidate: isSubmitted })}
                  choiceError={errors.expiration?.message}
                  customError={errors.expiresAt?.message}
                  maxLifetimeDays={token.accountMaxLifetimeDays}
                />
              )}
            />
            <DialogFooter>
              <DialogClose asChild>
                <Button variant="secondary">Cancel</Button>
              </DialogClose>
              <Button type="submit" disabled={isSubmitting} aria-busy={isSubmitting || undefined}>
                Rotate
              </Button>
            </DialogFooter>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}
