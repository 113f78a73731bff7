import type { z } from 'zod';
import type { AuditActor } from '@/lib/audit';
import { ValidationError } from '@/lib/errors';
import { toFieldErrors } from '@/lib/validations/result';

/** Who changes IAM: the signed-in person, by user ID and (for the audit log) email. */
export type IamActor = AuditActor;

/** Whether a database error (from pg or PGlite, possibly wrapped by drizzle) is a unique violation. */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    if ('code' in e && (e as { code?: unknown }).code === '23505') return true;
    e = 'cause' in e ? (e as { cause?: unknown }).cause : undefined;
  }
  return false;
}

/** Parses an operation's input with its shared schema; bad input is refused at its field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fieldErrors = toFieldErrors(parsed.error);
  throw new ValidationError(Object.values(fieldErrors)[0] ?? 'The input is not valid.', fieldErrors);
}
