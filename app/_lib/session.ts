import 'server-only';
import { headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { cache } from 'react';
import { auth } from '@/auth';
import { isAdminOf, loadActor, type Actor } from '@/lib/auth/users';
import { getDb } from '@/lib/db';
import { safeCallbackPath } from '@/lib/validations/auth';

/** The signed-in actor for this request, loaded live from the database (roles apply at once). */
export const currentActor = cache(async (): Promise<Actor | null> => {
  const session = await auth();
  const userId = session?.user?.id;
  if (!userId) return null;
  return loadActor(await getDb(), userId);
});

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
