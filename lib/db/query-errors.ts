import { DrizzleQueryError } from 'drizzle-orm/errors';
import { PgPreparedQuery } from 'drizzle-orm/pg-core';

// drizzle reports a failed statement as "Failed query: <the whole SQL>\nparams: <every value>",
// and whatever logs the error logs that: a generated statement can be megabytes long, and the
// parameters are what clients sent (and addresses, IDs). Errors of the app's statements carry
// only the start of the statement instead, and no parameters; the database's own error stays
// their cause (with its code, for the code that tells errors apart).

/** Characters of a failing statement that its error shows. */
export const STATEMENT_PREFIX_CHARS = 200;

/** A failed statement, described by its start, its length and how many parameters it had. */
export function statementSummary(statement: string, parameters: number): string {
  const text = statement.replace(/\s+/g, ' ').trim();
  const prefix = text.length > STATEMENT_PREFIX_CHARS ? `${text.slice(0, STATEMENT_PREFIX_CHARS)}…` : text;
  return `${prefix} (${statement.length} characters, ${parameters} parameters)`;
}

function shortened(error: DrizzleQueryError): DrizzleQueryError {
  const summary = statementSummary(error.query, error.params.length);
  const short = new DrizzleQueryError(summary, [], error.cause instanceof Error ? error.cause : undefined);
  // Set before anything reads the stack, whose first line V8 writes from the message then.
  short.message = `Failed query: ${summary}`;
  return short;
}

const INSTALLED = Symbol.for('platform-tokens.short-query-errors');

/** Makes every drizzle statement of this process fail with a short error; safe to call again. */
export function installShortQueryErrors(): void {
  const prototype = PgPreparedQuery.prototype as unknown as Record<string | symbol, unknown>;
  if (prototype[INSTALLED]) return;
  const original = prototype.queryWithCache as (this: unknown, ...args: unknown[]) => Promise<unknown>;
  if (typeof original !== 'function') throw new Error('drizzle-orm changed: PgPreparedQuery.queryWithCache is gone');
  prototype.queryWithCache = async function queryWithShortErrors(this: unknown, ...args: unknown[]) {
    try {
      return await original.apply(this, args);
    } catch (error) {
      throw error instanceof DrizzleQueryError ? shortened(error) : error;
    }
  };
  prototype[INSTALLED] = true;
}
