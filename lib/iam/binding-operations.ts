import { and, eq, inArray } from 'drizzle-orm';
import { recordAudit } from '@/lib/audit';
import { transactWithChanges } from '@/lib/changes';
import type { Db } from '@/lib/db';
import { environments, policies, policyBindingEnvironments, policyBindings } from '@/lib/db/schema';
import { NotFoundError, ValidationError } from '@/lib/errors';
import { bindPolicySchema, unbindPolicySchema, type BindPolicyInput, type UnbindPolicyInput } from '@/lib/validations/iam';
import { assertAdminNow } from '@/lib/accounts/admin-access';
import { parseInput, type IamActor } from './admin-guard';
import { lockGroup } from './group-operations';

/**
 * Binds a policy to a group, account-wide or only in the chosen environments of the account.
 * Binding an already bound policy again replaces where it applies.
 */
export async function bindPolicy(db: Db, actor: IamActor, input: BindPolicyInput): Promise<void> {
  const { accountId, groupId, policyId, accountWide, environmentIds } = parseInput(bindPolicySchema, input);
  const chosen = accountWide ? [] : [...new Set(environmentIds)];
  await transactWithChanges(db, async (tx, publish) => {
    await assertAdminNow(tx, actor, accountId);
    // The group lock serialises every binding change of the group, so no two binds race.
    const group = await lockGroup(tx, accountId, groupId);
    const [policy] = await tx
      .select({ id: policies.id, name: policies.name })
      .from(policies)
      .where(and(eq(policies.id, policyId), eq(policies.accountId, accountId)))
      .for('share');
    if (!policy) throw ValidationError.field('policyId', 'Choose a policy of this account');

    const envRows =
      chosen.length === 0
        ? []
        : await tx
            .select({ id: environments.id, name: environments.name })
            .from(environments)
            .where(and(eq(environments.accountId, accountId), inArray(environments.id, chosen)))
            .orderBy(environments.name);
    if (envRows.length !== chosen.length) {
      throw ValidationError.field('environmentIds', 'Choose environments of this account');
    }

    const [existing] = await tx
      .select({ id: policyBindings.id })
      .from(policyBindings)
      .where(and(eq(policyBindings.groupId, groupId), eq(policyBindings.policyId, policyId)));
    let bindingId: string;
    if (existing) {
      bindingId = existing.id;
      await tx.update(policyBindings).set({ accountWide }).where(eq(policyBindings.id, bindingId));
      await tx.delete(policyBindingEnvironments).where(eq(policyBindingEnvironments.bindingId, bindingId));
    } else {
      const [row] = await tx
        .insert(policyBindings)
        .values({ groupId, policyId, accountWide })
        .returning({ id: policyBindings.id });
      bindingId = row!.id;
    }
    if (envRows.length > 0) {
      await tx.insert(policyBindingEnvironments).values(envRows.map((e) => ({ bindingId, environmentId: e.id })));
    }

    await recordAudit(tx, actor, {
      accountId,
      action: 'policy.bound',
      targetName: policy.name,
      details: {
        policyId,
        groupId,
        group: group.name,
        accountWide,
        environments: envRows.map((e) => e.id),
        ...(existing ? { replaced: true } : {}),
      },
    });
    publish({ kind: 'account', accountId });
  });
}

export async function unbindPolicy(db: Db, actor: IamActor, input: UnbindPolicyInput): Promise<void> {
  const { accountId, groupId, policyId } = parseInput(unbindPolicySchema, input);
  await transactWithChanges(db, async (tx, publish) => {
    await assertAdminNow(tx, actor, accountId);
    const group = await lockGroup(tx, accountId, groupId);
    const [removed] = await tx
      .delete(policyBindings)
      .where(and(eq(policyBindings.groupId, groupId), eq(policyBindings.policyId, policyId)))
      .returning({ id: policyBindings.id });
    if (!removed) throw new NotFoundError('This policy is not bound to the group (any more).');
    const [policy] = await tx.select({ name: policies.name }).from(policies).where(eq(policies.id, policyId));
    await recordAudit(tx, actor, {
      accountId,
      action: 'policy.unbound',
      targetName: policy?.name ?? null,
      details: { policyId, groupId, group: group.name },
    });
    publish({ kind: 'account', accountId });
  });
}
