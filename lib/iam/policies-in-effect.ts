// The glue between stored policies and the evaluator, kept pure so that the database layer only
// loads rows: which bindings apply in an environment, and how a stored policy becomes statements.

import { PERMISSIONS } from './permissions';
import type { PolicyInEffect } from './policy-evaluator';
import { formatPolicyError, parsePolicy, type Statement } from './policy-parser';

export interface BindingScope {
  policyId: string;
  /** null for an account-wide binding; otherwise the environments the binding is limited to. */
  environmentIds: readonly string[] | null;
}

/**
 * IDs of the policies that apply in full in `environmentId`, each once, in the bindings' order.
 * With `environmentId` null (an account-level check such as `iam:service-users:use`), only
 * account-wide bindings apply in full: a binding limited to some environments grants nothing for
 * the account as a whole. Its DENY statements still count there: see policiesForDecision.
 */
export function policiesInEffect(bindings: readonly BindingScope[], environmentId: string | null): string[] {
  const ids: string[] = [];
  const seen = new Set<string>();
  for (const binding of bindings) {
    const applies =
      binding.environmentIds === null || (environmentId !== null && binding.environmentIds.includes(environmentId));
    if (applies && !seen.has(binding.policyId)) {
      seen.add(binding.policyId);
      ids.push(binding.policyId);
    }
  }
  return ids;
}

/**
 * The policies a decision is made with. In an environment: those that apply there. For the whole
 * account (environmentId null): the account-wide ones in full, and every policy bound to some
 * environment of the account with its DENY statements only. A decision for the account covers
 * every environment (a token generated for a service user may reach any of them), so a DENY
 * that holds in any one of them holds for the account: it fails closed.
 */
export function policiesForDecision(
  bindings: readonly BindingScope[],
  policies: ReadonlyMap<string, PolicyInEffect>,
  environmentId: string | null,
): PolicyInEffect[] {
  const full = policiesInEffect(bindings, environmentId);
  const inEffect = full.map((id) => policies.get(id)!);
  if (environmentId !== null) return inEffect;
  const seen = new Set(full);
  for (const binding of bindings) {
    if (binding.environmentIds === null || binding.environmentIds.length === 0 || seen.has(binding.policyId)) continue;
    seen.add(binding.policyId);
    inEffect.push({ ...policies.get(binding.policyId)!, denyOnly: true });
  }
  return inEffect;
}

export interface StoredPolicy {
  id: string;
  name: string;
  /** The policy's statement text as saved. */
  statements: string;
}

/**
 * Parses a stored policy for evaluation. Saving refuses invalid text, but a stored policy can stop
 * parsing when a later release drops a permission or tightens an operator. Such a policy then
 * denies everything: ignoring it would silently drop its DENY statements, which fails open.
 */
export function compileStoredPolicy(policy: StoredPolicy): PolicyInEffect {
  const parsed = parsePolicy(policy.statements);
  const statements: Statement[] = parsed.ok
    ? parsed.statements
    : [
        {
          effect: 'DENY',
          permissions: PERMISSIONS.map((p) => p.name),
          conditions: [],
          text: `// This policy no longer parses and denies everything: ${formatPolicyError(parsed.error)}`,
          line: parsed.error.line,
          column: parsed.error.column,
        },
      ];
  return { policyId: policy.id, policyName: policy.name, statements };
}
