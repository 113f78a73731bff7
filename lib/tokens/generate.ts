import { and, eq, inArray } from 'drizzle-orm';
import { recordAudit } from '@/lib/audit';
import { transactWithChanges } from '@/lib/changes';
import type { Db, Tx } from '@/lib/db';
import { environments, serviceUsers } from '@/lib/db/schema';
import { ValidationError } from '@/lib/errors';
import type { TokenFormValues } from '@/lib/validations/tokens';
import { accountOfToken, authorizeTokenAction, mayUseServiceUserNow, type TokenActor } from './access';
import { resolveExpiryWithin } from './expiration';
import { insertToken } from './insert';
import { assertBelowLimit, lockForGeneration, type GenerationGrant } from './limits';

/** What the person who generated a token gets back, once. */
export interface GeneratedSecret {
  tokenId: string;
  name: string;
  accountName: string;
  /** The whole token. Only ever in this response: it is not stored and cannot be shown again. */
  token: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Owner {
  ownerUserId: string | null;
  ownerServiceUserId: string | null;
  email: string;
}

async function resolveOwner(
  tx: Tx,
  actor: TokenActor,
  grant: GenerationGrant,
  input: Pick<TokenFormValues, 'generateFor' | 'serviceUserId'>,
): Promise<Owner | { error: string }> {
  if (input.generateFor === 'myself') return { ownerUserId: actor.userId, ownerServiceUserId: null, email: actor.email };
  // Locked until the token is in: a deletion meanwhile is waited for and seen here, rather than
  // failing the insert on its foreign key.
  const [serviceUser] = UUID.test(input.serviceUserId)
    ? await tx
        .select({ id: serviceUsers.id, email: serviceUsers.email })
        .from(serviceUsers)
        .where(and(eq(serviceUsers.id, input.serviceUserId), eq(serviceUsers.accountId, grant.accountId)))
        .for('key share')
    : [];
  if (!serviceUser) return { error: `Choose a service user of ${grant.accountName}` };
  if (!(await mayUseServiceUserNow(tx, grant.accountId, actor.userId, serviceUser.email))) {
    return { error: `You may not generate tokens for ${serviceUser.email}: no policy grants you iam:service-users:use for it` };
  }
  return { ownerUserId: null, ownerServiceUserId: serviceUser.id, email: serviceUser.email };
}

async function checkEnvironments(tx: Tx, grant: GenerationGrant, input: TokenFormValues): Promise<string[] | { error: string }> {
  if (input.appliesToAccount) return [];
  const wanted = [...new Set(input.environmentIds)];
  // Locked as the service user is (resolveOwner), for the same reason.
  const found = await tx
    .select({ id: environments.id })
    .from(environments)
    .where(and(eq(environments.accountId, grant.accountId), inArray(environments.id, wanted)))
    .for('key share');
  if (found.length !== wanted.length) return { error: `Choose environments of ${grant.accountName}` };
  return wanted;
}

/**
 * Generates a platform token from the create form (or, with `sourceTokenId`, a duplicate of a
 * token the actor may duplicate now). Every rule is checked again here; the row, its environments
 * and the audit event are written in one transaction, or nothing is.
 */
export async function generatePlatformToken(
  db: Db,
  actor: TokenActor,
  input: TokenFormValues,
  now: Date,
  options: { sourceTokenId?: string } = {},
): Promise<GeneratedSecret> {
  return transactWithChanges(db, async (tx, publish) => {
    // The account row and membership of one account before the other's, the accounts in the
    // order of their IDs (lib/accounts/account-locks.ts), so that two duplicates the opposite way
    // do not deadlock. In one account the generation lock comes first: the source's checks lock
    // the same membership row, and taking the stronger lock second could deadlock two such requests.
    const { sourceTokenId } = options;
    const sourceAccountId = sourceTokenId ? await accountOfToken(tx, sourceTokenId) : undefined;
    const sourceFirst = sourceAccountId !== undefined && sourceAccountId < input.accountId;
    if (sourceTokenId && sourceFirst) await authorizeTokenAction(tx, actor, sourceTokenId, 'duplicate');
    const grant = await lockForGeneration(tx, input.accountId, actor.userId);
    if (sourceTokenId && !sourceFirst) await authorizeTokenAction(tx, actor, sourceTokenId, 'duplicate');
    const expiry = resolveExpiryWithin(input.expiration, input.expiresAt, grant.maxLifetimeDays, now);
    const environmentIds = await checkEnvironments(tx, grant, input);
    const owner = await resolveOwner(tx, actor, grant, input);
    if (!expiry.ok || 'error' in environmentIds || 'error' in owner) {
      const errors: Record<string, string> = {};
      if (!expiry.ok) errors.expiresAt = expiry.message;
      if ('error' in environmentIds) errors.environmentIds = environmentIds.error;
      if ('error' in owner) errors.serviceUserId = owner.error;
      throw new ValidationError(Object.values(errors)[0]!, errors);
    }

    await assertBelowLimit(tx, grant, actor.userId, now);

    const inserted = await insertToken(tx, {
      accountId: grant.accountId,
      name: input.name,
      ownerUserId: owner.ownerUserId,
      ownerServiceUserId: owner.ownerServiceUserId,
      createdById: actor.userId,
      scopes: input.scopes,
      appliesToAccount: input.appliesToAccount,
      environmentIds,
      expiresAt: expiry.expiresAt,
      createdAt: now,
      allowedClientAddresses: input.allowedClientAddresses,
    });
    await recordAudit(tx, actor, {
      accountId: grant.accountId,
      action: options.sourceTokenId ? 'token.duplicated' : 'token.generated',
      tokenId: inserted.tokenId,
      targetName: input.name,
      details: {
        owner: owner.email,
        scopes: [...new Set(input.scopes)],
        appliesToAccount: input.appliesToAccount,
        environmentIds,
        expiresAt: expiry.expiresAt?.toISOString() ?? null,
        ...(input.allowedClientAddresses.length > 0 ? { allowedClientAddresses: input.allowedClientAddresses } : {}),
        ...(options.sourceTokenId ? { duplicatedFrom: options.sourceTokenId } : {}),
      },
    });
    publish({ kind: 'token', publicId: inserted.publicId });
    return { tokenId: inserted.tokenId, name: input.name, accountName: grant.accountName, token: inserted.token };
  });
}
