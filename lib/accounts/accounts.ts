import { asc, count, eq, like, or, sql } from 'drizzle-orm';
import { recordAudit, type AuditActor } from '@/lib/audit';
import type { Actor } from '@/lib/auth/users';
import type { Db, Executor } from '@/lib/db';
import { accountMembers, accounts, environments, groupMembers, groups, policies, policyBindings, users } from '@/lib/db/schema';
import { fullAccessPolicy } from '@/lib/db/seed';
import { NotFoundError } from '@/lib/errors';
import { parseInput } from '@/lib/iam/admin-guard';
import { insertInvitation, type SentInvitation } from '@/lib/people/invitations';
import { createAccountSchema, environmentIdFromName, type CreateAccountInput } from '@/lib/validations/people';

// Accounts: created by setting the portal up, and afterwards by an instance administrator.

export const INSTANCE_ADMIN_ONLY_MESSAGE = 'This page does not exist.';

/** Instance administrators only; anyone else is told the page does not exist, as the page does. */
export function assertInstanceAdmin(actor: Actor): void {
  if (!actor.isInstanceAdmin) throw new NotFoundError(INSTANCE_ADMIN_ONLY_MESSAGE);
}

/** A free ID derived from `base`: the slug itself, or the slug with -2, -3, … */
async function freeId(db: Executor, table: typeof accounts | typeof environments, base: string): Promise<string> {
  const slug = environmentIdFromName(base).slice(0, 40) || (table === accounts ? 'account' : 'environment');
  const taken = new Set(
    (await db.select({ id: table.id }).from(table).where(or(eq(table.id, slug), like(table.id, `${slug}-%`)))).map((r) => r.id),
  );
  if (!taken.has(slug)) return slug;
  for (let n = 2; ; n++) if (!taken.has(`${slug}-${n}`)) return `${slug}-${n}`;
}

export const freeAccountId = (db: Executor, name: string) => freeId(db, accounts, name);
export const freeEnvironmentId = (db: Executor, base: string) => freeId(db, environments, base);

export interface NewAccount {
  accountId: string;
  environmentId: string;
  /** The "Administrators" group, which holds the "Full access" policy. */
  administratorsGroupId: string;
}

/**
 * An account as it starts: its "Production" environment, and an "Administrators" group bound to a
 * "Full access" policy, so its first admin can use the platform at once. `firstAdminId` becomes its
 * account admin and joins that group; an account made for an invited admin gets them on acceptance.
 * Call inside a transaction, which also takes a lock that serialises account IDs.
 */
export async function insertAccount(
  tx: Executor,
  actor: AuditActor,
  input: { name: string; firstAdminId?: string },
): Promise<NewAccount> {
  await tx.execute(sql`select pg_advisory_xact_lock(727100403)`);
  const accountId = await freeAccountId(tx, input.name);
  await tx.insert(accounts).values({ id: accountId, name: input.name });
  const environmentId = await freeEnvironmentId(tx, `${accountId}-prod`);
  await tx.insert(environments).values({ id: environmentId, accountId, name: 'Production' });
  const [group] = await tx
    .insert(groups)
    .values({ accountId, name: 'Administrators', description: 'Account administrators' })
    .returning({ id: groups.id });
  const [policy] = await tx
    .insert(policies)
    .values({ accountId, name: 'Full access', description: 'Every permission', statements: fullAccessPolicy() })
    .returning({ id: policies.id });
  await tx.insert(policyBindings).values({ groupId: group!.id, policyId: policy!.id, accountWide: true });
  if (input.firstAdminId) {
    await tx.insert(accountMembers).values({ accountId, userId: input.firstAdminId, role: 'admin' });
    await tx.insert(groupMembers).values({ groupId: group!.id, userId: input.firstAdminId });
  }
  await recordAudit(tx, actor, {
    accountId,
    action: 'account.created',
    targetName: input.name,
    details: { accountId, environmentId },
  });
  return { accountId, environmentId, administratorsGroupId: group!.id };
}

export interface AccountRow {
  id: string;
  name: string;
  createdAt: Date;
  members: number;
  environments: number;
}

/** Every account, for the instance administrator's "Accounts" page. */
export async function listAccounts(db: Executor, actor: Actor): Promise<AccountRow[]> {
  assertInstanceAdmin(actor);
  const members = db
    .select({ accountId: accountMembers.accountId, n: count().as('members') })
    .from(accountMembers)
    .groupBy(accountMembers.accountId)
    .as('m');
  const envs = db
    .select({ accountId: environments.accountId, n: count().as('environments') })
    .from(environments)
    .groupBy(environments.accountId)
    .as('e');
  const rows = await db
    .select({
      id: accounts.id,
      name: accounts.name,
      createdAt: accounts.createdAt,
      members: sql<number>`coalesce(${members.n}, 0)`.mapWith(Number),
      environments: sql<number>`coalesce(${envs.n}, 0)`.mapWith(Number),
    })
    .from(accounts)
    .leftJoin(members, eq(members.accountId, accounts.id))
    .leftJoin(envs, eq(envs.accountId, accounts.id))
    .orderBy(asc(accounts.name), asc(accounts.id));
  return rows;
}

/**
 * An instance administrator creates an account and invites its first admin by email: the
 * invitation makes them its account admin and puts them in its "Administrators" group.
 */
export async function createAccount(db: Db, actor: Actor, input: CreateAccountInput, origin: string): Promise<{ accountId: string } & SentInvitation> {
  const { name, adminEmail } = parseInput(createAccountSchema, input);
  return db.transaction(async (tx) => {
    const [me] = await tx.select({ isInstanceAdmin: users.isInstanceAdmin }).from(users).where(eq(users.id, actor.userId)).for('share');
    if (!me?.isInstanceAdmin) throw new NotFoundError(INSTANCE_ADMIN_ONLY_MESSAGE);
    const account = await insertAccount(tx, actor, { name });
    const sent = await insertInvitation(tx, db, actor, {
      accountId: account.accountId,
      accountName: name,
      email: adminEmail,
      role: 'admin',
      groupIds: [account.administratorsGroupId],
      origin,
    });
    await recordAudit(tx, actor, { accountId: account.accountId, action: 'invitation.created', targetName: adminEmail, details: { role: 'admin', groupIds: [account.administratorsGroupId] } });
    return { accountId: account.accountId, ...sent };
  });
}
