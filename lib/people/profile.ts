import { and, eq, isNull, sql } from 'drizzle-orm';
import { recordAudit, type AuditEntry } from '@/lib/audit';
import { hashPassword, verifyPassword } from '@/lib/auth/password';
import { assertNewPasswordAllowed } from '@/lib/auth/password-rules';
import { revokeUserSessions } from '@/lib/auth/sessions';
import { signInLimits, type SignInLimits } from '@/lib/auth/sign-in-limits';
import type { Actor } from '@/lib/auth/users';
import type { Db, Executor } from '@/lib/db';
import { accountMembers, passwordResets, users } from '@/lib/db/schema';
import { ValidationError } from '@/lib/errors';
import { parseInput } from '@/lib/iam/admin-guard';
import { changePasswordSchema, renameSelfSchema, signOutEverywhereSchema, type ChangePasswordInput, type RenameSelfInput, type SignOutEverywhereInput } from '@/lib/validations/people';

// A person's own profile (PRODUCT.md §9): name, password, sessions. A change to a person is
// written to the Activity of every account they belong to.

export async function recordForEachAccount(tx: Executor, person: { userId: string; email: string }, entry: Omit<AuditEntry, 'accountId'>): Promise<void> {
  const memberships = await tx.select({ accountId: accountMembers.accountId }).from(accountMembers).where(eq(accountMembers.userId, person.userId));
  await recordAudit(
    tx,
    person,
    memberships.map((m) => ({ ...entry, accountId: m.accountId, targetName: entry.targetName ?? person.email })),
  );
}

export async function hasPassword(db: Executor, userId: string): Promise<boolean> {
  const [row] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId));
  return !!row?.passwordHash;
}

export async function renameSelf(db: Db, actor: Actor, input: RenameSelfInput): Promise<{ name: string }> {
  const { name } = parseInput(renameSelfSchema, input);
  return db.transaction(async (tx) => {
    if (name === actor.name) return { name };
    await tx.update(users).set({ name }).where(eq(users.id, actor.userId));
    await recordForEachAccount(tx, actor, { action: 'user.renamed', details: { from: actor.name, to: name } });
    return { name };
  });
}

const PASSWORD_CHANGED_MEANWHILE = 'Your password was just changed elsewhere, so this change was not made.';

export function tooManyPasswordChecksMessage(seconds: number): string {
  const minutes = Math.ceil(seconds / 60);
  return `Too many wrong passwords for this email. Try again in ${minutes <= 1 ? 'a minute' : `${minutes} minutes`}.`;
}

/**
 * Changes the password; the current one is required. Every other session of the person ends (the
 * one that made the change stays signed in), so a stolen session is cut off with the old password,
 * and so does every reset link still open, as a completed reset ends them. A wrong current
 * password counts as a failed sign-in on the email (lib/auth/sign-in-limits.ts): a stolen session
 * guesses it no faster than signing in allows.
 */
export async function changePassword(
  db: Db,
  actor: Actor,
  currentSessionId: string | null,
  input: ChangePasswordInput,
  limits: SignInLimits = signInLimits,
): Promise<{ sessionsEnded: number }> {
  const { currentPassword, password } = parseInput(changePasswordSchema, input);
  const [row] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, actor.userId));
  if (!row?.passwordHash) throw ValidationError.field('currentPassword', 'You sign in with single sign-on and have no password here.');
  const reservation = await limits.reservePasswordCheck(actor.email);
  if (reservation.wait > 0) throw ValidationError.field('currentPassword', tooManyPasswordChecksMessage(reservation.wait));
  if (!(await verifyPassword(currentPassword, row.passwordHash))) throw ValidationError.field('currentPassword', 'The current password is not right.');
  await reservation.release();
  assertNewPasswordAllowed(password, actor.email);
  if (password === currentPassword) throw ValidationError.field('password', 'Choose a password other than the current one.');
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    // The person's row first, then their links, as a reset locks them (resetPassword), so the two
    // cannot deadlock. The password checked above must still be the one in force: one set
    // meanwhile (by a reset that also ended this session, say) is not replaced by someone who knew
    // the old one.
    const [locked] = await tx.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, actor.userId)).for('update');
    if (locked?.passwordHash !== row.passwordHash) throw ValidationError.field('currentPassword', PASSWORD_CHANGED_MEANWHILE);
    await tx.update(passwordResets).set({ usedAt: sql`now()` }).where(and(eq(passwordResets.userId, actor.userId), isNull(passwordResets.usedAt)));
    await tx.update(users).set({ passwordHash }).where(eq(users.id, actor.userId));
    const sessionsEnded = await revokeUserSessions(tx, actor.userId, { except: currentSessionId ?? undefined });
    await recordForEachAccount(tx, actor, { action: 'user.password_changed', details: { sessionsEnded } });
    return { sessionsEnded };
  });
}

/** Ends every session of the person, this one included. */
export async function signOutEverywhere(db: Db, actor: Actor, input: SignOutEverywhereInput): Promise<{ sessionsEnded: number }> {
  parseInput(signOutEverywhereSchema, input);
  return db.transaction(async (tx) => {
    const sessionsEnded = await revokeUserSessions(tx, actor.userId);
    await recordForEachAccount(tx, actor, { action: 'user.signed_out_everywhere', details: { sessionsEnded } });
    return { sessionsEnded };
  });
}
