import 'server-only';
import { unstable_rethrow } from 'next/navigation';
import type { z } from 'zod';
import { isAdminOf, type Actor } from '@/lib/auth/users';
import { getDb, type Db } from '@/lib/db';
import { NOT_AN_ADMIN_MESSAGE } from '@/lib/accounts/admin-access';
import { AppError, NotFoundError } from '@/lib/errors';
import { fieldWithUnstorableText, toFieldErrors, UNSTORABLE_TEXT_MESSAGE, type ActionResult } from '@/lib/validations/result';
import { currentActor } from './session';

export interface ActionContext {
  actor: Actor;
  db: Db;
}

const SIGNED_OUT: ActionResult<never> = { ok: false, message: 'You are signed out. Sign in again to continue.', fieldErrors: {} };

function failure(error: unknown): ActionResult<never> {
  unstable_rethrow(error);
  if (error instanceof AppError) return { ok: false, message: error.message, fieldErrors: error.fieldErrors };
  console.error('[action] unexpected error:', error instanceof Error ? error.message : error);
  return { ok: false, message: 'Something went wrong. Nothing was changed; try again.', fieldErrors: {} };
}

/** The input parsed with the action's schema, or the refusal naming the field. */
function parse<S extends z.ZodType>(schema: S, input: unknown): { ok: true; data: z.output<S> } | Extract<ActionResult<never>, { ok: false }> {
  const unstorable = fieldWithUnstorableText(input);
  if (unstorable !== null) {
    return { ok: false, message: UNSTORABLE_TEXT_MESSAGE, fieldErrors: { [unstorable || 'form']: UNSTORABLE_TEXT_MESSAGE } };
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const fieldErrors = toFieldErrors(parsed.error);
    return { ok: false, message: Object.values(fieldErrors)[0] ?? 'The input is not valid.', fieldErrors };
  }
  return { ok: true, data: parsed.data };
}

/**
 * A server action is a public POST endpoint: this authenticates the caller, parses the input
 * with the same zod schema the form used, and turns domain errors into the one result shape.
 */
export function userAction<S extends z.ZodType, T>(
  schema: S,
  run: (input: z.output<S>, context: ActionContext) => Promise<T>,
): (input: z.input<S>) => Promise<ActionResult<T>> {
  return async (input) => {
    try {
      const actor = await currentActor();
      if (!actor) return SIGNED_OUT;
      const parsed = parse(schema, input);
      if (!parsed.ok) return parsed;
      return { ok: true, data: await run(parsed.data, { actor, db: await getDb() }) };
    } catch (error) {
      return failure(error);
    }
  };
}

/**
 * As userAction, for the few actions of people who are not signed in (setting the portal up,
 * accepting an invitation, resetting a password): the one-time code in the input is what
 * entitles them, and the domain function checks it.
 */
export function publicAction<S extends z.ZodType, T>(
  schema: S,
  run: (input: z.output<S>, context: { db: Db }) => Promise<T>,
): (input: z.input<S>) => Promise<ActionResult<T>> {
  return async (input) => {
    try {
      const parsed = parse(schema, input);
      if (!parsed.ok) return parsed;
      return { ok: true, data: await run(parsed.data, { db: await getDb() }) };
    } catch (error) {
      return failure(error);
    }
  };
}

/** As userAction, for actions on one account that only its admins may take. */
export function adminAction<S extends z.ZodType<{ accountId: string }>, T>(
  schema: S,
  run: (input: z.output<S>, context: ActionContext) => Promise<T>,
): (input: z.input<S>) => Promise<ActionResult<T>> {
  return userAction(schema, async (input, context) => {
    if (!isAdminOf(context.actor, input.accountId)) throw new NotFoundError(NOT_AN_ADMIN_MESSAGE);
    return run(input, context);
  });
}
