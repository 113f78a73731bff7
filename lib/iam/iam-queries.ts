import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '@/lib/db';
import {
  accountMembers,
  environments,
  groupMembers,
  groups,
  policies,
  policyBindingEnvironments,
  policyBindings,
  serviceUsers,
  users,
  type MemberRole,
} from '@/lib/db/schema';
import { NotFoundError } from '@/lib/errors';
import { isUuid, memberRef, type MemberRef } from '@/lib/validations/iam';
import { assertAdminNow } from '@/lib/accounts/admin-access';
import type { IamActor } from './admin-guard';
import { parsePolicy } from './policy-parser';

// What the IAM admin pages show. Each read checks, like each change, that the actor administers
// the account, and is scoped to that account in its WHERE clause.

// Correlated counts name the outer table explicitly: in a single-table select, drizzle renders
// `${groups.id}` as a bare "id", which inside the subquery would mean the inner table's column.
const countOf = (table: string, column: string, outer: string) =>
  sql<number>`(select count(*) from ${sql.identifier(table)} c where c.${sql.identifier(column)} = ${sql.identifier(outer)}.id)`.mapWith(Number);

export interface Identity {
  ref: MemberRef;
  kind: 'user' | 'service-user';
  email: string;
  name: string;
  role?: MemberRole;
}

export async function accountEnvironments(db: Executor, accountId: string) {
  return db
    .select({ id: environments.id, name: environments.name })
    .from(environments)
    .where(eq(environments.accountId, accountId))
    .orderBy(asc(environments.name), asc(environments.id));
}

/** The people and service users of the account, people first, each by email. */
export async function accountIdentities(db: Executor, accountId: string): Promise<Identity[]> {
  const people = await db
    .select({ id: users.id, email: users.email, name: users.name, role: accountMembers.role })
    .from(accountMembers)
    .innerJoin(users, eq(users.id, accountMembers.userId))
    .where(eq(accountMembers.accountId, accountId))
    .orderBy(users.email);
  const services = await db
    .select({ id: serviceUsers.id, email: serviceUsers.email, name: serviceUsers.name })
    .from(serviceUsers)
    .where(eq(serviceUsers.accountId, accountId))
    .orderBy(serviceUsers.email);
  return [
    ...people.map((p) => ({ ref: memberRef({ kind: 'user', userId: p.id }), kind: 'user' as const, email: p.email, name: p.name, role: p.role })),
    ...services.map((s) => ({
      ref: memberRef({ kind: 'service-user', serviceUserId: s.id }),
      kind: 'service-user' as const,
      email: s.email,
      name: s.name,
    })),
  ];
}

export async function listGroups(db: Executor, actor: IamActor, accountId: string) {
  await assertAdminNow(db, actor, accountId);
  return db
    .select({
      id: groups.id,
      name: groups.name,
      description: groups.description,
      memberCount: countOf('group_members', 'group_id', 'groups'),
      policyCount: countOf('policy_bindings', 'group_id', 'groups'),
    })
    .from(groups)
    .where(eq(groups.accountId, accountId))
    .orderBy(asc(groups.name));
}

export type GroupRow = Awaited<ReturnType<typeof listGroups>>[number];

export interface GroupBinding {
  policyId: string;
  policyName: string;
  accountWide: boolean;
  environments: { id: string; name: string }[];
}

export async function groupDetail(db: Executor, actor: IamActor, accountId: string, groupId: string) {
  await assertAdminNow(db, actor, accountId);
  if (!isUuid(groupId)) throw new NotFoundError('This group does not exist.');
  const [group] = await db
    .select({ id: groups.id, name: groups.name, description: groups.description })
    .from(groups)
    .where(and(eq(groups.id, groupId), eq(groups.accountId, accountId)))
    .limit(1);
  if (!group) throw new NotFoundError('This group does not exist.');

  const memberRows = await db
    .select({ userId: groupMembers.userId, serviceUserId: groupMembers.serviceUserId })
    .from(groupMembers)
    .where(eq(groupMembers.groupId, groupId));
  const memberRefs = new Set(
    memberRows.map((m) =>
      m.userId ? memberRef({ kind: 'user', userId: m.userId }) : memberRef({ kind: 'service-user', serviceUserId: m.serviceUserId! }),
    ),
  );
  const identities = await accountIdentities(db, accountId);
  const members = identities.filter((i) => memberRefs.has(i.ref));
  const candidates = identities.filter((i) => !memberRefs.has(i.ref));
  // A member who left the account stays in the group (and regains nothing); show it as such.
  const formerMembers = memberRefs.size - members.length;

  const bindingRows = await db
    .select({ id: policyBindings.id, policyId: policies.id, policyName: policies.name, accountWide: policyBindings.accountWide })
    .from(policyBindings)
    .innerJoin(policies, eq(policies.id, policyBindings.policyId))
    .where(eq(policyBindings.groupId, groupId))
    .orderBy(asc(policies.name));
  const envRows =
    bindingRows.length === 0
      ? []
      : await db
          .select({ bindingId: policyBindingEnvironments.bindingId, id: environments.id, name: environments.name })
          .from(policyBindingEnvironments)
          .innerJoin(environments, eq(environments.id, policyBindingEnvironments.environmentId))
          .where(inArray(policyBindingEnvironments.bindingId, bindingRows.map((b) => b.id)))
          .orderBy(asc(environments.name));
  const bindings: GroupBinding[] = bindingRows.map((b) => ({
    policyId: b.policyId,
    policyName: b.policyName,
    accountWide: b.accountWide,
    environments: envRows.filter((e) => e.bindingId === b.id).map((e) => ({ id: e.id, name: e.name })),
  }));

  const allPolicies = await db
    .select({ id: policies.id, name: policies.name })
    .from(policies)
    .where(eq(policies.accountId, accountId))
    .orderBy(asc(policies.name));
  return { group, members, formerMembers, candidates, bindings, policies: allPolicies, environments: await accountEnvironments(db, accountId) };
}

export async function listPolicies(db: Executor, actor: IamActor, accountId: string) {
  await assertAdminNow(db, actor, accountId);
  const rows = await db
    .select({
      id: policies.id,
      name: policies.name,
      description: policies.description,
      statements: policies.statements,
      updatedAt: policies.updatedAt,
      groupCount: countOf('policy_bindings', 'policy_id', 'policies'),
    })
    .from(policies)
    .where(eq(policies.accountId, accountId))
    .orderBy(asc(policies.name));
  return rows.map(({ statements, ...row }) => {
    const parsed = parsePolicy(statements);
    return { ...row, statementCount: parsed.ok ? parsed.statements.length : null };
  });
}

export type PolicyRow = Awaited<ReturnType<typeof listPolicies>>[number];

export async function policyDetail(db: Executor, actor: IamActor, accountId: string, policyId: string) {
  await assertAdminNow(db, actor, accountId);
  if (!isUuid(policyId)) throw new NotFoundError('This policy does not exist.');
  const [policy] = await db
    .select({ id: policies.id, name: policies.name, description: policies.description, statements: policies.statements, updatedAt: policies.updatedAt })
    .from(policies)
    .where(and(eq(policies.id, policyId), eq(policies.accountId, accountId)))
    .limit(1);
  if (!policy) throw new NotFoundError('This policy does not exist.');
  const boundTo = await db
    .select({ id: groups.id, name: groups.name })
    .from(policyBindings)
    .innerJoin(groups, eq(groups.id, policyBindings.groupId))
    .where(eq(policyBindings.policyId, policyId))
    .orderBy(asc(groups.name));
  return { ...policy, groups: boundTo };
}

export async function listServiceUsers(db: Executor, actor: IamActor, accountId: string) {
  await assertAdminNow(db, actor, accountId);
  return db
    .select({
      id: serviceUsers.id,
      email: serviceUsers.email,
      name: serviceUsers.name,
      description: serviceUsers.description,
      createdAt: serviceUsers.createdAt,
      groupCount: countOf('group_members', 'service_user_id', 'service_users'),
      tokenCount: countOf('platform_tokens', 'owner_service_user_id', 'service_users'),
    })
    .from(serviceUsers)
    .where(eq(serviceUsers.accountId, accountId))
    .orderBy(asc(serviceUsers.email));
}

export type ServiceUserRow = Awaited<ReturnType<typeof listServiceUsers>>[number];

export async function simulatorOptions(db: Executor, actor: IamActor, accountId: string) {
  await assertAdminNow(db, actor, accountId);
  return { identities: await accountIdentities(db, accountId), environments: await accountEnvironments(db, accountId) };
}
