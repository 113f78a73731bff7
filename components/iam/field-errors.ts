import type { FieldValues, Path, UseFormSetError } from 'react-hook-form';
import type { ActionResult } from '@/lib/validations/result';

/**
 * Puts a failed action's field errors on the form's fields and returns the message for the whole
 * form, unless it only repeats a field's own message.
 */
export function applyActionErrors<T extends FieldValues>(
  result: Extract<ActionResult<unknown>, { ok: false }>,
  setError: UseFormSetError<T>,
  fields: readonly Path<T>[],
): string | null {
  let shownAtField = false;
  for (const [field, message] of Object.entries(result.fieldErrors)) {
    const known = fields.find((f) => f === field);
    if (known) {
      setError(known, { message });
      if (message === result.message) shownAtField = true;
    }
  }
  return shownAtField ? null : result.message;
}
