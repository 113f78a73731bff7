import { and, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { AuditActor } from '@/lib/audit';
import type { Executor } from '@/lib/db';
import { accountMembers } from '@/lib/db/schema';
import { ForbiddenError, ValidationError } from '@/lib/errors';
import { toFieldErrors } from '@/lib/validations/result';

/** Who changes IAM: the signed-in person, by user ID and (for the audit log) email. */
export type IamActor = AuditActor;

export const ADMIN_ONLY_MESSAGE = 'Only an admin of this account can do that.';

/**
 * Refuses anyone who is not an admin of the account right now. Read from the database inside the
 * change's transaction, so a demotion that committed a moment ago already counts.
 */
export async function assertAccountAdmin(db: Executor, actor: IamActor, accountId: string): Promise<void> {
  const [row] = await db
    .select({ role: accountMembers.role })
    .from(accountMembers)
    .where(and(eq(accountMembers.accountId, accountId), eq(accountMembers.userId, actor.userId)))
    .limit(1);
  if (row?.role !== 'admin') throw new ForbiddenError(ADMIN_ONLY_MESSAGE);
}

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
