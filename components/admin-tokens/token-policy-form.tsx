'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { describedBy, Field, FormAlert } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import type { TokenPolicy, TokenPolicyResult } from '@/lib/accounts/token-policy';
import type { TokenPolicyInput } from '@/lib/validations/admin-tokens';
import type { ActionResult } from '@/lib/validations/result';

const days = (value: number | null) => (value === null ? '' : String(value));

function describe(policy: TokenPolicy): string {
  const lifetime = policy.maxLifetimeDays === null ? 'no maximum lifetime' : `a maximum lifetime of ${policy.maxLifetimeDays} days`;
  const unused =
    policy.disableUnusedDays === null ? 'unused tokens stay enabled' : `tokens unused for ${policy.disableUnusedDays} days are disabled`;
  return `Token policy saved: ${lifetime}, ${unused}.`;
}

/** "Token policy" (PRODUCT.md §11): account-wide, for new tokens and the server's own clean-up. */
export function TokenPolicyForm({
  accountId,
  policy,
  onSave,
  onDone,
}: {
  accountId: string;
  policy: TokenPolicy;
  onSave: (input: TokenPolicyInput) => Promise<ActionResult<TokenPolicyResult>>;
  onDone: (message: string) => void;
}) {
  const [maxLifetime, setMaxLifetime] = useState(days(policy.maxLifetimeDays));
  const [unused, setUnused] = useState(days(policy.disableUnusedDays));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function save(event: React.FormEvent) {
    event.preventDefault();
    setSaving(true);
    try {
      const result = await onSave({ accountId, maxLifetimeDays: maxLifetime, disableUnusedDays: unused });
      if (!result.ok) {
        setErrors(result.fieldErrors);
        setMessage(Object.keys(result.fieldErrors).some((k) => k !== 'form') ? null : result.message);
        return;
      }
      setErrors({});
      setMessage(null);
      onDone(result.data.changed ? describe(result.data.policy) : 'The token policy was already set that way.');
    } finally {
      setSaving(false);
    }
  }

  const lifetimeHint = 'Days. Empty for no maximum; with a maximum, "Never" is not offered.';
  const unusedHint = 'Days. Empty for never. Tokens not used for that long (or never used since made) are disabled.';
  return (
    <section aria-labelledby="token-policy-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <div className="space-y-0.5">
        <h2 id="token-policy-heading" className="text-base font-semibold text-slate-900">
          Token policy
        </h2>
        <p className="text-sm text-slate-600">Applies to every token in this account. Existing tokens keep their expiration.</p>
      </div>
      <form onSubmit={save} noValidate className="space-y-3" aria-label="Token policy">
        <FormAlert message={message} />
        <div className="grid gap-4 sm:grid-cols-2">
          <Field id="maxLifetimeDays" label="Maximum lifetime" error={errors.maxLifetimeDays} hint={lifetimeHint}>
            <Input
              inputMode="numeric"
              autoComplete="off"
              placeholder="No maximum"
              value={maxLifetime}
              onChange={(e) => setMaxLifetime(e.target.value)}
              {...describedBy('maxLifetimeDays', errors.maxLifetimeDays, lifetimeHint)}
            />
          </Field>
          <Field id="disableUnusedDays" label="Disable tokens unused for" error={errors.disableUnusedDays} hint={unusedHint}>
            <Input
              inputMode="numeric"
              autoComplete="off"
              placeholder="Never"
              value={unused}
              onChange={(e) => setUnused(e.target.value)}
              {...describedBy('disableUnusedDays', errors.disableUnusedDays, unusedHint)}
            />
          </Field>
        </div>
        <p className="text-sm text-slate-600">
          <span className="font-medium text-slate-800">Expiry reminders:</span> the owner and creator of a token get an email 7 days and
          1 day before it expires, with a link to its page.
        </p>
        <div className="flex justify-end">
          <Button type="submit" disabled={saving} aria-busy={saving || undefined}>
            {saving ? 'Saving…' : 'Save token policy'}
          </Button>
        </div>
      </form>
    </section>
  );
}
