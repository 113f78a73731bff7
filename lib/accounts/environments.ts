import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import { recordAudit } from '@/lib/audit';
import type { Actor } from '@/lib/auth/users';
import { transactWithChanges } from '@/lib/changes';
import type { Db, Executor } from '@/lib/db';
import { environments, platformTokenEnvironments } from '@/lib/db/schema';
import { ConflictError, NotFoundError, ValidationError } from '@/lib/errors';
import { parseInput } from '@/lib/iam/admin-guard';
import {
  addEnvironmentSchema,
  deleteEnvironmentSchema,
  renameEnvironmentSchema,
  type AddEnvironmentInput,
  type DeleteEnvironmentInput,
  type RenameEnvironmentInput,
} from '@/lib/validations/people';
import { assertAdminNow, assertAdminOf } from './admin-access';

// An account's environments (PRODUCT.md §9), for its admins. Environment IDs are unique across the
// portal: they address the platform API (/e/<id>/platform/...).

export interface EnvironmentRow {
  id: string;
  name: string;
  createdAt: Date;
  /** Tokens limited to chosen environments that include this one. */
  tokens: number;
  /** Of those, the ones that reach no other environment: they stop working if it is deleted. */
  onlyHere: number;
}

const tokensHere = (environmentId: SQL) => sql<number>`(select count(*) from ${platformTokenEnvironments} pte where pte.environment_id = ${environmentId})`;
const tokensOnlyHere = (environmentId: SQL) =>
  sql<number>`(select count(*) from ${platformTokenEnvironments} pte where pte.environment_id = ${environmentId}
    and not exists (select 1 from ${platformTokenEnvironments} other where other.token_id = pte.token_id and other.environment_id <> pte.environment_id))`;

export async function listEnvironments(db: Executor, actor: Actor, accountId: string): Promise<EnvironmentRow[]> {
  assertAdminOf(actor, accountId);
  return db
    .select({
      id: environments.id,
      name: environments.name,
      createdAt: environments.createdAt,
      tokens: tokensHere(sql`${environments.id}`).mapWith(Number),
      onlyHere: tokensOnlyHere(sql`${environments.id}`).mapWith(Number),
    })
    .from(environments)
    .where(eq(environments.accountId, accountId))
    .orderBy(asc(environments.name), asc(environments.id));
}

export async function addEnvironment(db: Db, actor: Actor, input: AddEnvironmentInput): Promise<{ id: string; name: string }> {
  const { accountId, name, environmentId } = parseInput(addEnvironmentSchema, input);
  return transactWithChanges(db, async (tx, publish) => {
    await assertAdminNow(tx, actor, accountId);
    const [row] = await tx
      .insert(environments)
      .values({ id: environmentId, accountId, name })
      .onConflictDoNothing()
      .returning({ id: environments.id, name: environments.name });
    if (!row) throw ValidationError.field('environmentId', `The ID ${environmentId} is taken. Choose another one.`);
    await recordAudit(tx, actor, { accountId, action: 'environment.created', targetName: environmentId, details: { name } });
    publish({ kind: 'account', accountId });
    return row;
  });
}

async function lockEnvironment(tx: Executor, accountId: string, environmentId: string) {
  const [row] = await tx
    .select({ id: environments.id, name: environments.name })
    .from(environments)
    .where(and(eq(environments.id, environmentId), eq(environments.accountId, accountId)))
    .for('update');
  if (!row) throw new NotFoundError(`The environment ${environmentId} does not exist (any more).`);
  return row;
}

export async function renameEnvironment(db: Db, actor: Actor, input: RenameEnvironmentInput): Promise<{ id: string; name: string }> {
  const { accountId, environmentId, name } = parseInput(renameEnvironmentSchema, input);
  return transactWithChanges(db, async (tx) => {
    await assertAdminNow(tx, actor, accountId);
    const before = await lockEnvironment(tx, accountId, environmentId);
    if (before.name === name) return before;
    await tx.update(environments).set({ name }).where(eq(environments.id, environmentId));
    await recordAudit(tx, actor, { accountId, action: 'environment.renamed', targetName: environmentId, details: { from: before.name, to: name } });
    return { id: environmentId, name };
  });
}

export interface DeletedEnvironment {
  id: string;
  /** Tokens that lost this environment. */
  tokens: number;
  /** Of those, the ones left without any environment, which no longer work anywhere. */
  tokensLeftWithout: number;
}

/**
 * Deletes an environment with everything stored for it (documents, states, records, settings,
 * workflows, apps, notifications, emails: the foreign keys cascade). Its tokens lose it; a token
 * left with no environment reaches none and so no longer works. Every instance drops what it
 * holds of the account and of the environment's state when the change commits.
 */
export async function deleteEnvironment(db: Db, actor: Actor, input: DeleteEnvironmentInput): Promise<DeletedEnvironment> {
  const { accountId, environmentId } = parseInput(deleteEnvironmentSchema, input);
  return transactWithChanges(db, async (tx, publish) => {
    await assertAdminNow(tx, actor, accountId);
    const environment = await lockEnvironment(tx, accountId, environmentId);
    const [count] = await tx
      .select({ tokens: tokensHere(sql`${environmentId}`).mapWith(Number), onlyHere: tokensOnlyHere(sql`${environmentId}`).mapWith(Number) })
      .from(environments)
      .where(eq(environments.id, environmentId));
    const others = await tx.select({ id: environments.id }).from(environments).where(eq(environments.accountId, accountId));
    if (others.length === 1) throw new ConflictError('This is the account’s only environment. Add another one before deleting it.');
    await tx.delete(environments).where(eq(environments.id, environmentId));
    const result = { id: environmentId, tokens: count?.tokens ?? 0, tokensLeftWithout: count?.onlyHere ?? 0 };
    await recordAudit(tx, actor, {
      accountId,
      action: 'environment.deleted',
      targetName: environmentId,
      details: { name: environment.name, tokens: result.tokens, tokensLeftWithout: result.tokensLeftWithout },
    });
    publish({ kind: 'environment', accountId, environmentId });
    return result;
  });
}
