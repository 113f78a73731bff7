import { and, eq } from 'drizzle-orm';
import { recordAudit } from '@/lib/audit';
import { transactWithChanges } from '@/lib/changes';
import type { Db } from '@/lib/db';
import { platformTokens, serviceUsers } from '@/lib/db/schema';
import { NotFoundError, ValidationError } from '@/lib/errors';
import {
  createServiceUserSchema,
  deleteServiceUserSchema,
  type CreateServiceUserInput,
  type DeleteServiceUserInput,
} from '@/lib/validations/iam';
import { assertAdminNow } from '@/lib/accounts/admin-access';
import { formatTokenId } from '@/lib/tokens/format';
import { parseInput, type IamActor } from './admin-guard';

export async function createServiceUser(db: Db, actor: IamActor, input: CreateServiceUserInput): Promise<{ id: string }> {
  const { accountId, email, name, description } = parseInput(createServiceUserSchema, input);
  return transactWithChanges(db, async (tx, publish) => {
    await assertAdminNow(tx, actor, accountId);
    const [row] = await tx
      .insert(serviceUsers)
      .values({ accountId, email, name, description })
      .onConflictDoNothing()
      .returning({ id: serviceUsers.id });
    if (!row) throw ValidationError.field('email', `A service user with the email ${email} already exists in this account`);
    await recordAudit(tx, actor, {
      accountId,
      action: 'service_user.created',
      targetName: email,
      details: { serviceUserId: row.id, name },
    });
    publish({ kind: 'account', accountId });
    return row;
  });
}

/**
 * Deletes a service user. Its tokens go with it (the foreign key cascades), and so do its group
 * memberships; publishing the account makes every instance drop what it cached about them.
 */
export async function deleteServiceUser(db: Db, actor: IamActor, input: DeleteServiceUserInput): Promise<{ tokensDeleted: number }> {
  const { accountId, serviceUserId } = parseInput(deleteServiceUserSchema, input);
  return transactWithChanges(db, async (tx, publish) => {
    await assertAdminNow(tx, actor, accountId);
    const [serviceUser] = await tx
      .select({ id: serviceUsers.id, email: serviceUsers.email, name: serviceUsers.name })
      .from(serviceUsers)
      .where(and(eq(serviceUsers.id, serviceUserId), eq(serviceUsers.accountId, accountId)))
      .for('update');
    if (!serviceUser) throw new NotFoundError('This service user does not exist (any more).');
    // Its tokens by name in the event, where Activity's token filter looks (as for a member's removal).
    const tokens = await tx
      .select({ publicId: platformTokens.publicId })
      .from(platformTokens)
      .where(eq(platformTokens.ownerServiceUserId, serviceUserId))
      .for('update');
    const tokensDeleted = tokens.length;
    await tx.delete(serviceUsers).where(eq(serviceUsers.id, serviceUserId));
    await recordAudit(tx, actor, {
      accountId,
      action: 'service_user.deleted',
      targetName: serviceUser.email,
      details: { serviceUserId, name: serviceUser.name, tokensDeleted, tokenIds: tokens.map((t) => formatTokenId(t.publicId)).sort() },
    });
    publish({ kind: 'account', accountId });
    for (const t of tokens) publish({ kind: 'token', publicId: t.publicId });
    return { tokensDeleted };
  });
}
