import 'server-only';
import { headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { cache } from 'react';
import { auth } from '@/auth';
import { loadSessionActor } from '@/lib/auth/sessions';
import { isAdminOf, type Actor } from '@/lib/auth/users';
import { getDb } from '@/lib/db';
import { safeCallbackPath } from '@/lib/validations/auth';

/**
 * The signed-in actor for this request: the cookie's session must still exist and not have
 * expired, and the user and their roles are read with it in one query, so signing out, a revoked
 * session, a removal or a demotion apply to the next request.
 */
export const currentActor = cache(async (): Promise<Actor | null> => {
  const session = await auth();
  const sessionId = session?.sessionId;
  if (!sessionId) return null;
  return loadSessionActor(await getDb(), sessionId);
});

/** The ID of this request's server-side session, for changes that keep it (a password change). */
export async function currentSessionId(): Promise<string | null> {
  return (await auth())?.sessionId ?? null;
}

/** For pages and layouts: the actor, or a trip to the sign-in page that comes back here. */
export async function requireActor(): Promise<Actor> {
  const actor = await currentActor();
  if (!actor) {
    const returnTo = safeCallbackPath((await headers()).get('x-return-to'));
    redirect(`/sign-in?callbackUrl=${encodeURIComponent(returnTo)}`);
  }
  return actor;
}

/** For admin pages: anyone who is not an admin of the account gets the same 404 as a missing page. */
export async function requireAccountAdmin(accountId: string): Promise<Actor> {
  const actor = await requireActor();
  if (!isAdminOf(actor, accountId)) notFound();
  return actor;
}
