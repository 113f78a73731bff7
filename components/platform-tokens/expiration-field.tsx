'use client';

import { describedBy, Field } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
import { formatDateTime } from '@/lib/tokens/display';
import { EXPIRATION_LABELS, expirationChoicesWithin, latestAllowedExpiry, presetExpiry, type ExpirationChoice } from '@/lib/tokens/expiration';
import { isoToLocalInput, localInputToIso } from './date-input';
import { useNow } from '@/components/ui/when';

/**
 * "Expiration date": a preset, "Never", or a custom date-time in the reader's time zone. Under the
 * account's "Maximum lifetime" only the presets within it and a custom date are offered.
 */
export function ExpirationField({
  choice,
  onChoiceChange,
  customIso,
  onCustomChange,
  choiceError,
  customError,
  idPrefix = '',
  maxLifetimeDays = null,
}: {
  choice: ExpirationChoice;
  onChoiceChange: (choice: ExpirationChoice) => void;
  customIso: string;
  onCustomChange: (iso: string) => void;
  choiceError?: string;
  customError?: string;
  idPrefix?: string;
  /** The account's "Maximum lifetime" in days; null for none. */
  maxLifetimeDays?: number | null;
}) {
  const now = useNow();
  const choiceId = `${idPrefix}expiration`;
  const customId = `${idPrefix}expiresAt`;
  const preset = now === null ? undefined : presetExpiry(choice, new Date(now));
  const latest = now === null ? null : latestAllowedExpiry(maxLifetimeDays, new Date(now));
  // Before the clock is known (the server's render), a year counts from 1970: 365 days.
  const choices = expirationChoicesWithin(maxLifetimeDays, new Date(now ?? 0));
  const limit = maxLifetimeDays === null ? '' : `At most ${maxLifetimeDays} ${maxLifetimeDays === 1 ? 'day' : 'days'} (the account's maximum lifetime). `;
  const hint =
    (limit + (preset ? `Expires about ${formatDateTime(preset)}` : choice === 'never' ? 'The token never expires' : '')).trim() || undefined;
  return (
    <div className="space-y-3">
      <Field id={choiceId} label="Expiration date" error={choiceError} hint={hint}>
        <Select
          {...describedBy(choiceId, choiceError, hint)}
          value={choice}
          onChange={(e) => onChoiceChange(e.target.value as ExpirationChoice)}
        >
          {choices.map((c) => (
            <option key={c} value={c}>
              {EXPIRATION_LABELS[c]}
            </option>
          ))}
        </Select>
      </Field>
      {/* Rendered only in the browser: the wall-clock value depends on the reader's time zone. */}
      {choice === 'custom' && now !== null ? (
        <Field id={customId} label="Custom expiration date" error={customError}>
          <Input
            type="datetime-local"
            {...describedBy(customId, customError)}
            defaultValue={isoToLocalInput(customIso)}
            max={latest ? isoToLocalInput(latest.toISOString()) : undefined}
            onChange={(e) => onCustomChange(localInputToIso(e.target.value))}
          />
        </Field>
      ) : null}
    </div>
  );
}
