// The demo users and service users of the seed, looked up by email, for tests.
import { eq } from 'drizzle-orm';
import type { AuditActor } from '@/lib/audit';
import { loadActor, type Actor } from '@/lib/auth/users';
import type { Db } from '@/lib/db';
import { serviceUsers, users } from '@/lib/db/schema';

export interface DemoIdentities {
  /** The ID of a user (`alice@example.com`) or of a service user (`acme/ci-bot@service.example.com`). */
  id: (key: string) => string;
  /** A user as the domain operations take one: ID and, for the audit log, email. */
  actor: (email: string) => AuditActor;
}

/** The identities that exist now; ones created later are not included. */
export async function demoIdentities(db: Db): Promise<DemoIdentities> {
  const ids = new Map<string, string>();
  for (const u of await db.select({ id: users.id, email: users.email }).from(users)) ids.set(u.email, u.id);
  for (const s of await db.select({ id: serviceUsers.id, email: serviceUsers.email, accountId: serviceUsers.accountId }).from(serviceUsers)) {
    ids.set(`${s.accountId}/${s.email}`, s.id);
  }
  const id = (key: string) => {
    const value = ids.get(key);
    if (!value) throw new Error(`no demo identity ${key}`);
    return value;
  };
  return { id, actor: (email) => ({ userId: id(email), email }) };
}

/** A user as a signed-in request sees them: with their live memberships and roles. */
export async function actorByEmail(db: Db, email: string): Promise<Actor> {
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  const actor = user ? await loadActor(db, user.id) : null;
  if (!actor) throw new Error(`no user ${email}`);
  return actor;
}
