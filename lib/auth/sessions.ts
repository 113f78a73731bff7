import { and, eq, gt, inArray, lte, ne, sql } from 'drizzle-orm';
import type { Executor } from '@/lib/db';
import { accountMembers, accounts, sessions, users } from '@/lib/db/schema';
import { SESSION_MAX_AGE_SECONDS } from './session-lifetime';
import { actorColumns, actorFromRows, type Actor } from './users';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const expiresFromNow = sql`now() + ${sql.raw(`interval '${SESSION_MAX_AGE_SECONDS} seconds'`)}`;

export interface NewSession {
  userId: string;
  userAgent?: string | null;
  /** The client's address as clientIp gives it (a valid IP), or null. */
  ip?: string | null;
}

/** Starts a session for a user who has just signed in (their last sign-in); returns its ID, which the cookie carries. */
export async function createSession(db: Executor, { userId, userAgent, ip }: NewSession): Promise<string> {
  // Sessions that ran out are removed a few at a time as new ones begin.
  const expired = db.select({ id: sessions.id }).from(sessions).where(lte(sessions.expiresAt, sql`now()`)).limit(100);
  await db.delete(sessions).where(inArray(sessions.id, expired));
  const [row] = await db
    .insert(sessions)
    .values({
      userId,
      userAgent: userAgent?.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 512) || null,
      ip: ip ?? null,
      expiresAt: expiresFromNow,
    })
    .returning({ id: sessions.id });
  await db.update(users).set({ lastSignInAt: sql`now()` }).where(eq(users.id, userId));
  return row!.id;
}

/**
 * The actor of a session that exists and has not expired, with their live memberships, in one
 * query; null otherwise (signed out, revoked, expired, or the user is gone). Using a session
 * extends it; that is written at most once a minute.
 */
export async function loadSessionActor(db: Executor, sessionId: string): Promise<Actor | null> {
  if (!UUID.test(sessionId)) return null;
  const rows = await db
    .select({ ...actorColumns, stale: sql<boolean>`${sessions.lastSeenAt} < now() - interval '1 minute'` })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(accountMembers, eq(accountMembers.userId, users.id))
    .leftJoin(accounts, eq(accounts.id, accountMembers.accountId))
    .where(and(eq(sessions.id, sessionId), gt(sessions.expiresAt, sql`now()`)))
    .orderBy(accounts.name, accounts.id);
  const actor = actorFromRows(rows);
  if (actor && rows[0]!.stale) {
    await db.update(sessions).set({ lastSeenAt: sql`now()`, expiresAt: expiresFromNow }).where(eq(sessions.id, sessionId));
  }
  return actor;
}

/** Ends one session: its cookie signs nobody in from the next request on. */
export async function revokeSession(db: Executor, sessionId: string): Promise<void> {
  if (!UUID.test(sessionId)) return;
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/**
 * Ends every session of a user ("Sign out everywhere"), or every one but `except` (the session
 * that changed the password stays signed in). Returns how many were ended.
 */
export async function revokeUserSessions(db: Executor, userId: string, options: { except?: string } = {}): Promise<number> {
  const except = options.except && UUID.test(options.except) ? options.except : null;
  const ended = await db
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), except ? ne(sessions.id, except) : undefined))
    .returning({ id: sessions.id });
  return ended.length;
}
