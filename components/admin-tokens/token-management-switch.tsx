'use client';

import { Switch } from 'radix-ui';
import { useId, useRef, useState } from 'react';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import type { TokenManagementResult } from '@/lib/accounts/token-management';
import type { ActionResult } from '@/lib/validations/result';

/**
 * "Allow to manage platform tokens" (PRODUCT.md §3 rule 7). Flipping the switch only asks;
 * the setting changes when the admin confirms with "Deny" or "Allow".
 */
export function TokenManagementSwitch({
  accountId,
  accountName,
  allowed,
  onChange,
  onDone,
}: {
  accountId: string;
  accountName: string;
  allowed: boolean;
  onChange: (input: { accountId: string; allow: boolean }) => Promise<ActionResult<TokenManagementResult>>;
  onDone: (message: string) => void;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const [asking, setAsking] = useState<boolean | null>(null);
  const switchRef = useRef<HTMLButtonElement>(null);

  async function confirm(): Promise<string | void> {
    if (asking === null) return;
    const result = await onChange({ accountId, allow: asking });
    if (!result.ok) return result.message;
    onDone(
      result.data.allow
        ? `Token management is allowed in ${accountName} again.`
        : `Token management is denied in ${accountName}: nobody can generate, duplicate or rotate tokens.`,
    );
  }

  return (
    <div className="flex items-start gap-3 rounded-lg border border-slate-200 bg-white p-4">
      <Switch.Root
        ref={switchRef}
        id={id}
        checked={allowed}
        onCheckedChange={(next) => setAsking(next)}
        aria-describedby={hintId}
        className="relative mt-0.5 inline-flex h-6 w-11 shrink-0 items-center rounded-full bg-slate-300 transition-colors data-[state=checked]:bg-brand-600"
      >
        <Switch.Thumb className="block size-5 translate-x-0.5 rounded-full bg-on-accent shadow transition-transform data-[state=checked]:translate-x-[1.375rem]" />
      </Switch.Root>
      <div className="space-y-0.5">
        <label htmlFor={id} className="block text-sm font-medium text-slate-900">
          Allow to manage platform tokens
        </label>
        <p id={hintId} className="text-sm text-slate-600">
          {allowed
            ? 'Members can generate, duplicate and rotate tokens in this account.'
            : 'Nobody can generate, duplicate or rotate tokens in this account. Existing tokens keep working; people can still disable and delete their own.'}
        </p>
      </div>
      <ConfirmDialog
        open={asking !== null}
        onOpenChange={(open) => {
          if (!open) setAsking(null);
        }}
        // The dialog has no trigger to return to: focus goes back to the switch, whichever way it closed.
        returnFocus={() => switchRef.current}
        title={asking ? `Allow token management in ${accountName}?` : `Deny token management in ${accountName}?`}
        confirmLabel={asking ? 'Allow' : 'Deny'}
        variant={asking ? 'primary' : 'danger'}
        onConfirm={confirm}
      >
        {asking ? (
          <p>People can generate, duplicate and rotate platform tokens in this account again, within their permissions.</p>
        ) : (
          <>
            <p>Nobody will be able to generate, duplicate or rotate platform tokens in this account.</p>
            <p>Existing tokens keep working until an admin disables or deletes them; people can still disable and delete their own.</p>
          </>
        )}
      </ConfirmDialog>
    </div>
  );
}
