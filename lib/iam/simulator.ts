import { and, eq } from 'drizzle-orm';
import type { Executor } from '@/lib/db';
import { accountMembers, environments, serviceUsers, users } from '@/lib/db/schema';
import { ValidationError } from '@/lib/errors';
import { parseMemberRef, simulateSchema, type SimulateInput } from '@/lib/validations/iam';
import { assertAdminNow } from '@/lib/accounts/admin-access';
import { parseInput, type IamActor } from './admin-guard';
import { policiesFor, type Principal } from './effective-permissions';
import { comparableValue, operatorsFor } from './permissions';
import { evaluatePermission, type DecidingStatement } from './policy-evaluator';

export interface SimulationResult {
  allowed: boolean;
  /** One sentence: which statement decided, or why nothing granted. */
  reason: string;
  decidedBy: DecidingStatement | null;
  identityEmail: string;
  environmentName: string | null;
  permission: string;
  attributes: Record<string, string>;
  /** Names of the policies that apply to the identity where the check runs. */
  policiesInEffect: string[];
}

async function identityEmail(db: Executor, accountId: string, principal: Principal): Promise<string | null> {
  if (principal.kind === 'user') {
    const [row] = await db
      .select({ email: users.email })
      .from(users)
      .innerJoin(accountMembers, and(eq(accountMembers.userId, users.id), eq(accountMembers.accountId, accountId)))
      .where(eq(users.id, principal.userId))
      .limit(1);
    return row?.email ?? null;
  }
  const [row] = await db
    .select({ email: serviceUsers.email })
    .from(serviceUsers)
    .where(and(eq(serviceUsers.id, principal.serviceUserId), eq(serviceUsers.accountId, accountId)))
    .limit(1);
  return row?.email ?? null;
}

/**
 * Answers what the real check would answer for a user or service user of the account, in one
 * environment or account-wide, for one permission and the given request attributes: the same
 * policies, bindings and evaluator the platform API and the token form use.
 */
export async function simulatePermission(db: Executor, actor: IamActor, input: SimulateInput): Promise<SimulationResult> {
  const { accountId, identity, environmentId, permission, attributes } = parseInput(simulateSchema, input);
  await assertAdminNow(db, actor, accountId);

  const principal = parseMemberRef(identity);
  const email = principal ? await identityEmail(db, accountId, principal) : null;
  if (!principal || !email) throw ValidationError.field('identity', 'Choose a user or service user of this account');

  let environmentName: string | null = null;
  if (environmentId !== '') {
    const [environment] = await db
      .select({ name: environments.name })
      .from(environments)
      .where(and(eq(environments.id, environmentId), eq(environments.accountId, accountId)))
      .limit(1);
    if (!environment) throw ValidationError.field('environmentId', 'Choose an environment of this account');
    environmentName = environment.name;
  }

  const request: Record<string, string> = {};
  for (const [attribute, value] of Object.entries(attributes)) {
    if (value === '') continue;
    if (!operatorsFor(permission, attribute)) {
      throw ValidationError.field('attributes', `Permission '${permission}' has no attribute '${attribute}'`);
    }
    // Shown as it is compared (an email trimmed and lowercased), which is how the real check compares it.
    request[attribute] = comparableValue(attribute, value);
  }

  const inEffect = await policiesFor(db, accountId, principal, environmentId === '' ? null : environmentId);
  const decision = evaluatePermission(inEffect, { permission, attributes: request });
  return {
    allowed: decision.allowed,
    reason: decision.reason,
    decidedBy: decision.decidedBy,
    identityEmail: email,
    environmentName,
    permission,
    attributes: request,
    policiesInEffect: inEffect.map((p) => (p.denyOnly ? `${p.policyName} (its DENY statements: it is bound to some environments)` : p.policyName)),
  };
}
