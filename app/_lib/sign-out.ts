'use server';

import { auth, signOut } from '@/auth';
import { revokeSession } from '@/lib/auth/sessions';
import { getDb } from '@/lib/db';

/**
 * Ends the session on the server, then clears the cookie. The row goes first and a failure stops
 * here, so a copy of the cookie never outlives a sign-out that looked successful (next-auth's
 * signOut event, which revokes too, only logs its errors).
 */
export async function signOutAction(): Promise<void> {
  const session = await auth();
  if (session?.sessionId) await revokeSession(await getDb(), session.sessionId);
  await signOut({ redirectTo: '/sign-in' });
}
