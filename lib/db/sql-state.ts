// The SQLSTATE of a failed statement, whichever client reported it: pg's error, the embedded
// database's (pglite-worker-client.ts), or drizzle's error wrapping either as its cause.

/** The code of the error, or of the first error it wraps that has one. */
export function sqlState(error: unknown): string | undefined {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 8; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Whether a statement failed on a unique constraint. */
export const isUniqueViolation = (error: unknown): boolean => sqlState(error) === '23505';
