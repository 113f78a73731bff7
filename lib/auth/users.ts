import { and, eq } from 'drizzle-orm';
import { getDb, type Executor } from '@/lib/db';
import { accountMembers, accounts, users, type MemberRole } from '@/lib/db/schema';
import { dummyPasswordHash, verifyPassword } from './password';

export interface Membership {
  accountId: string;
  accountName: string;
  role: MemberRole;
  allowTokenManagement: boolean;
}

/** The signed-in person as every domain operation sees them. */
export interface Actor {
  userId: string;
  email: string;
  name: string;
  /** May create accounts (PRODUCT.md §9); nothing else is special about them. */
  isInstanceAdmin: boolean;
  memberships: Membership[];
}

/**
 * Checks an email and password; the work done is the same whether or not the email exists. The
 * hash checked comes back with the person, for the device cookie to be made with (rememberDevice).
 */
export async function authenticate(email: string, password: string) {
  const db = await getDb();
  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.email, email.trim().toLowerCase()))
    .limit(1);
  const valid = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
  return user?.passwordHash && valid ? { id: user.id, email: user.email, name: user.name, passwordHash: user.passwordHash } : null;
}

/** The columns an actor is built from: the user, and one membership per row (null without any). */
export const actorColumns = {
  userId: users.id,
  email: users.email,
  name: users.name,
  isInstanceAdmin: users.isInstanceAdmin,
  accountId: accountMembers.accountId,
  accountName: accounts.name,
  role: accountMembers.role,
  allowTokenManagement: accounts.allowTokenManagement,
};

interface ActorRow {
  userId: string;
  email: string;
  name: string;
  isInstanceAdmin: boolean;
  accountId: string | null;
  accountName: string | null;
  role: MemberRole | null;
  allowTokenManagement: boolean | null;
}

/** The actor from the rows of one user left-joined with their memberships; null without rows. */
export function actorFromRows(rows: ActorRow[]): Actor | null {
  const [first] = rows;
  if (!first) return null;
  const memberships = rows.flatMap(({ accountId, accountName, role, allowTokenManagement }) =>
    accountId !== null && accountName !== null && role !== null && allowTokenManagement !== null
      ? [{ accountId, accountName, role, allowTokenManagement }]
      : [],
  );
  return { userId: first.userId, email: first.email, name: first.name, isInstanceAdmin: first.isInstanceAdmin, memberships };
}

/** Loads the actor with their live memberships; null when the user no longer exists. */
export async function loadActor(db: Executor, userId: string): Promise<Actor | null> {
  const rows = await db
    .select(actorColumns)
    .from(users)
    .leftJoin(accountMembers, eq(accountMembers.userId, users.id))
    .leftJoin(accounts, eq(accounts.id, accountMembers.accountId))
    .where(eq(users.id, userId))
    .orderBy(accounts.name, accounts.id);
  return actorFromRows(rows);
}

export function membershipOf(actor: Actor, accountId: string): Membership | undefined {
  return actor.memberships.find((m) => m.accountId === accountId);
}

export function isAdminOf(actor: Actor, accountId: string): boolean {
  return membershipOf(actor, accountId)?.role === 'admin';
}

/** Looks a user up by email within an account (for pickers and tests). */
export async function findMemberByEmail(db: Executor, accountId: string, email: string) {
  const [row] = await db
    .select({ id: users.id, email: users.email, name: users.name, role: accountMembers.role })
    .from(users)
    .innerJoin(accountMembers, and(eq(accountMembers.userId, users.id), eq(accountMembers.accountId, accountId)))
    .where(eq(users.email, email.toLowerCase()))
    .limit(1);
  return row ?? null;
}
