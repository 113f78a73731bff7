import type { z } from 'zod';
import { unstorableText } from './storable-text';

/** What every server action answers. */
export type ActionResult<T> =
  | { ok: true; data: T }
  | { ok: false; message: string; fieldErrors: Record<string, string> };

/** The first message for each field path (`environmentIds`, `scopes.0` → `scopes`). */
export function toFieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? String(issue.path[0]) : 'form';
    out[key] ??= issue.message;
  }
  return out;
}


export const UNSTORABLE_TEXT_MESSAGE = 'This value contains a character that is not allowed.';

/**
 * The top-level field of the first string that holds a character PostgreSQL cannot store;
 * '' when the input itself is such a string, null when there is none.
 */
export function fieldWithUnstorableText(input: unknown, field = '', depth = 0): string | null {
  if (typeof input === 'string') return unstorableText(input) === null ? null : field;
  if (depth > 20 || !input || typeof input !== 'object') return null;
  for (const [key, value] of Object.entries(input)) {
    const found = fieldWithUnstorableText(value, depth === 0 && !Array.isArray(input) ? key : field, depth + 1);
    if (found !== null) return found;
  }
  return null;
}
