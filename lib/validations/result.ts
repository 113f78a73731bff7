import type { z } from 'zod';

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
