'use client';

import { describedBy, Field } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
import { formatDateTime } from '@/lib/tokens/display';
import { EXPIRATION_CHOICES, EXPIRATION_LABELS, presetExpiry, type ExpirationChoice } from '@/lib/tokens/expiration';
import { isoToLocalInput, localInputToIso } from './date-input';
import { useNow } from '@/components/ui/when';

/** "Expiration date": a preset, "Never", or a custom date-time in the reader's time zone. */
export function ExpirationField({
  choice,
  onChoiceChange,
  customIso,
  onCustomChange,
  choiceError,
  customError,
  idPrefix = '',
}: {
  choice: ExpirationChoice;
  onChoiceChange: (choice: ExpirationChoice) => void;
  customIso: string;
  onCustomChange: (iso: string) => void;
  choiceError?: string;
  customError?: string;
  idPrefix?: string;
}) {
  const now = useNow();
  const choiceId = `${idPrefix}expiration`;
  const customId = `${idPrefix}expiresAt`;
  const preset = now === null ? undefined : presetExpiry(choice, new Date(now));
  const hint = preset ? `Expires about ${formatDateTime(preset)}` : choice === 'never' ? 'The token never expires' : undefined;
  return (
    <div className="space-y-3">
      <Field id={choiceId} label="Expiration date" error={choiceError} hint={hint}>
        <Select
          {...describedBy(choiceId, choiceError, hint)}
          value={choice}
          onChange={(e) => onChoiceChange(e.target.value as ExpirationChoice)}
        >
          {EXPIRATION_CHOICES.map((c) => (
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
            onChange={(e) => onCustomChange(localInputToIso(e.target.value))}
          />
        </Field>
      ) : null}
    </div>
  );
}
