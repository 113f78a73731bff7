import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '@/lib/db';
import {
  accountMembers,
  groupMembers,
  groups,
  policies,
  policyBindingEnvironments,
  policyBindings,
  serviceUsers,
} from '@/lib/db/schema';
import { compileStoredPolicy, policiesForDecision, type BindingScope } from './policies-in-effect';
import {
  evaluatePermission,
  grantedPermissions,
  type Decision,
  type PermissionSummary,
  type PolicyInEffect,
  type RequestAttributes,
} from './policy-evaluator';
import { SERVICE_USER_EMAIL, SERVICE_USERS_USE } from './permissions';

/** Who permissions are asked for: a person, or a service user of the account. */
export type Principal = { kind: 'user'; userId: string } | { kind: 'service-user'; serviceUserId: string };

// Parsing is the costly part; a policy's compiled form only changes with its name and text.
// Keyed by policy ID and checked against the stored text, so that two saves within the same
// millisecond (same updated_at as JavaScript sees it) never serve the older text.
const compiled = new Map<string, { name: string; statements: string; policy: PolicyInEffect }>();
const MAX_COMPILED = 5_000;

function compileCached(row: { id: string; name: string; statements: string }): PolicyInEffect {
  const cached = compiled.get(row.id);
  if (cached && cached.name === row.name && cached.statements === row.statements) return cached.policy;
  if (!cached && compiled.size >= MAX_COMPILED) compiled.clear();
  const policy = compileStoredPolicy(row);
  compiled.set(row.id, { name: row.name, statements: row.statements, policy });
  return policy;
}

/**
 * The policies bound (through groups) to the principal in the account, with the environments each
 * binding is limited to. A user who is no longer a member of the account, or a service user of
 * another account, has none.
 */
export async function loadPrincipalPolicies(
  db: Executor,
  accountId: string,
  principal: Principal,
): Promise<{ bindings: BindingScope[]; policies: Map<string, PolicyInEffect> }> {
  const memberCondition =
    principal.kind === 'user'
      ? and(
          eq(groupMembers.userId, principal.userId),
          sql`exists (select 1 from ${accountMembers} where ${accountMembers.accountId} = ${accountId} and ${accountMembers.userId} = ${principal.userId})`,
        )
      : and(
          eq(groupMembers.serviceUserId, principal.serviceUserId),
          sql`exists (select 1 from ${serviceUsers} where ${serviceUsers.id} = ${principal.serviceUserId} and ${serviceUsers.accountId} = ${accountId})`,
        );

  const rows = await db
    .select({
      bindingId: policyBindings.id,
      accountWide: policyBindings.accountWide,
      policyId: policies.id,
      name: policies.name,
      statements: policies.statements,
    })
    .from(groupMembers)
    .innerJoin(groups, and(eq(groups.id, groupMembers.groupId), eq(groups.accountId, accountId)))
    .innerJoin(policyBindings, eq(policyBindings.groupId, groups.id))
    .innerJoin(policies, and(eq(policies.id, policyBindings.policyId), eq(policies.accountId, accountId)))
    .where(memberCondition);

  const limited = rows.filter((r) => !r.accountWide).map((r) => r.bindingId);
  const environmentsByBinding = new Map<string, string[]>();
  if (limited.length > 0) {
    const envRows = await db
      .select({ bindingId: policyBindingEnvironments.bindingId, environmentId: policyBindingEnvironments.environmentId })
      .from(policyBindingEnvironments)
      .where(inArray(policyBindingEnvironments.bindingId, limited));
    for (const r of envRows) {
      const list = environmentsByBinding.get(r.bindingId) ?? [];
      list.push(r.environmentId);
      environmentsByBinding.set(r.bindingId, list);
    }
  }

  const bindings: BindingScope[] = rows.map((r) => ({
    policyId: r.policyId,
    environmentIds: r.accountWide ? null : (environmentsByBinding.get(r.bindingId) ?? []),
  }));
  const compiledPolicies = new Map(rows.map((r) => [r.policyId, compileCached({ ...r, id: r.policyId })]));
  return { bindings, policies: compiledPolicies };
}

/**
 * The policies a decision for the principal is made with, in one environment or, with null, for
 * the whole account (where a DENY bound to any of its environments counts: policiesForDecision).
 */
export async function policiesFor(
  db: Executor,
  accountId: string,
  principal: Principal,
  environmentId: string | null,
): Promise<PolicyInEffect[]> {
  const { bindings, policies: byId } = await loadPrincipalPolicies(db, accountId, principal);
  return policiesForDecision(bindings, byId, environmentId);
}

/** What the principal may do in the environment: unconditionally granted, and granted on conditions. */
export async function effectivePermissions(
  db: Executor,
  accountId: string,
  principal: Principal,
  environmentId: string | null,
): Promise<PermissionSummary> {
  return grantedPermissions(await policiesFor(db, accountId, principal, environmentId));
}

export async function checkPermission(
  db: Executor,
  accountId: string,
  principal: Principal,
  environmentId: string | null,
  permission: string,
  attributes: RequestAttributes = {},
): Promise<Decision> {
  return evaluatePermission(await policiesFor(db, accountId, principal, environmentId), { permission, attributes });
}

/**
 * Rule 6: may this user generate tokens for the service user with this email? It answers for the
 * email only: whether such a service user exists in the account is the caller's lookup. A decision
 * for the account: a DENY bound to any of its environments counts, an ALLOW only account-wide.
 */
export async function canUseServiceUser(
  db: Executor,
  accountId: string,
  userId: string,
  serviceUserEmail: string,
): Promise<Decision> {
  return checkPermission(db, accountId, { kind: 'user', userId }, null, SERVICE_USERS_USE, { [SERVICE_USER_EMAIL]: serviceUserEmail });
}

export interface UsableServiceUser {
  id: string;
  email: string;
  name: string;
}

/** The account's service users that the user may generate tokens for (rule 6), by email; decided as canUseServiceUser does. */
export async function usableServiceUsers(db: Executor, accountId: string, userId: string): Promise<UsableServiceUser[]> {
  const inEffect = await policiesFor(db, accountId, { kind: 'user', userId }, null);
  if (inEffect.length === 0) return [];
  const rows = await db
    .select({ id: serviceUsers.id, email: serviceUsers.email, name: serviceUsers.name })
    .from(serviceUsers)
    .where(eq(serviceUsers.accountId, accountId))
    .orderBy(serviceUsers.email);
  return rows.filter(
    (s) => evaluatePermission(inEffect, { permission: SERVICE_USERS_USE, attributes: { [SERVICE_USER_EMAIL]: s.email } }).allowed,
  );
}
