import type { z } from 'zod';
import type { AuditActor } from '@/lib/audit';
import { ValidationError } from '@/lib/errors';
import { toFieldErrors } from '@/lib/validations/result';

/** Who changes IAM: the signed-in person, by user ID and (for the audit log) email. */
export type IamActor = AuditActor;

/** Parses an operation's input with its shared schema; bad input is refused at its field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fieldErrors = toFieldErrors(parsed.error);
  throw new ValidationError(Object.values(fieldErrors)[0] ?? 'The input is not valid.', fieldErrors);
}
