import { and, count, eq, sql } from 'drizzle-orm';
import { recordAudit } from '@/lib/audit';
import { transactWithChanges } from '@/lib/changes';
import type { Db, Executor } from '@/lib/db';
import { policies, policyBindings } from '@/lib/db/schema';
import { NotFoundError, ValidationError } from '@/lib/errors';
import {
  createPolicySchema,
  deletePolicySchema,
  updatePolicySchema,
  type CreatePolicyInput,
  type DeletePolicyInput,
  type UpdatePolicyInput,
} from '@/lib/validations/iam';
import { assertAdminNow } from '@/lib/accounts/admin-access';
import { isUniqueViolation } from '@/lib/db/sql-state';
import { parseInput, type IamActor } from './admin-guard';
import { formatPolicyError, parsePolicy } from './policy-parser';

const policyExists = (name: string) => ValidationError.field('name', `A policy named "${name}" already exists`);

/**
 * Parses the statements again on the server, whatever the form did: a policy that does not parse,
 * or compares an email attribute with something that is not an email, is refused with the line
 * and column of its first error. Returns the text to save (emails trimmed and lowercased) and the
 * number of statements.
 */
function checkStatements(statements: string): { text: string; count: number } {
  const parsed = parsePolicy(statements, { saving: true });
  if (!parsed.ok) throw ValidationError.field('statements', formatPolicyError(parsed.error));
  if (parsed.statements.length === 0) throw ValidationError.field('statements', 'Enter at least one statement');
  return { text: parsed.normalized, count: parsed.statements.length };
}

async function lockPolicy(tx: Executor, accountId: string, policyId: string) {
  const [policy] = await tx
    .select({ id: policies.id, name: policies.name, description: policies.description, statements: policies.statements })
    .from(policies)
    .where(and(eq(policies.id, policyId), eq(policies.accountId, accountId)))
    .for('update');
  if (!policy) throw new NotFoundError('This policy does not exist (any more).');
  return policy;
}

export async function createPolicy(db: Db, actor: IamActor, input: CreatePolicyInput): Promise<{ id: string }> {
  const { accountId, name, description, statements: written } = parseInput(createPolicySchema, input);
  const { text: statements, count: statementCount } = checkStatements(written);
  return transactWithChanges(db, async (tx, publish) => {
    await assertAdminNow(tx, actor, accountId);
    const [row] = await tx
      .insert(policies)
      .values({ accountId, name, description, statements })
      .onConflictDoNothing()
      .returning({ id: policies.id });
    if (!row) throw policyExists(name);
    await recordAudit(tx, actor, {
      accountId,
      action: 'policy.created',
      targetName: name,
      details: { policyId: row.id, statements: statementCount },
    });
    publish({ kind: 'account', accountId });
    return row;
  });
}

export async function updatePolicy(db: Db, actor: IamActor, input: UpdatePolicyInput): Promise<void> {
  const { accountId, policyId, name, description, statements: written } = parseInput(updatePolicySchema, input);
  const { text: statements, count: statementCount } = checkStatements(written);
  await transactWithChanges(db, async (tx, publish) => {
    await assertAdminNow(tx, actor, accountId);
    const before = await lockPolicy(tx, accountId, policyId);
    if (before.name === name && before.description === description && before.statements === statements) return;
    try {
      await tx
        .update(policies)
        .set({ name, description, statements, updatedAt: sql`now()` })
        .where(eq(policies.id, policyId));
    } catch (error) {
      if (isUniqueViolation(error)) throw policyExists(name);
      throw error;
    }
    await recordAudit(tx, actor, {
      accountId,
      action: 'policy.updated',
      targetName: name,
      details: {
        policyId,
        statements: statementCount,
        statementsChanged: before.statements !== statements,
        ...(before.name !== name ? { renamedFrom: before.name } : {}),
      },
    });
    publish({ kind: 'account', accountId });
  });
}

export async function deletePolicy(db: Db, actor: IamActor, input: DeletePolicyInput): Promise<void> {
  const { accountId, policyId } = parseInput(deletePolicySchema, input);
  await transactWithChanges(db, async (tx, publish) => {
    await assertAdminNow(tx, actor, accountId);
    const policy = await lockPolicy(tx, accountId, policyId);
    const [bindings] = await tx.select({ n: count() }).from(policyBindings).where(eq(policyBindings.policyId, policyId));
    await tx.delete(policies).where(eq(policies.id, policyId));
    await recordAudit(tx, actor, {
      accountId,
      action: 'policy.deleted',
      targetName: policy.name,
      details: { policyId, boundToGroups: bindings?.n ?? 0 },
    });
    publish({ kind: 'account', accountId });
  });
}
