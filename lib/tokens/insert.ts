import type { Tx } from '@/lib/db';
import { platformTokenEnvironments, platformTokens } from '@/lib/db/schema';
import { generateToken } from './format';

export interface NewTokenFields {
  accountId: string;
  name: string;
  ownerUserId: string | null;
  ownerServiceUserId: string | null;
  createdById: string;
  scopes: readonly string[];
  appliesToAccount: boolean;
  environmentIds: readonly string[];
  expiresAt: Date | null;
  createdAt: Date;
  rotatedFromId?: string | null;
  /** CIDR blocks as parseClientAddresses gives them; none is from anywhere. */
  allowedClientAddresses?: readonly string[];
}

export interface InsertedToken {
  id: string;
  publicId: string;
  tokenId: string;
  /** The whole token: handed back once to the person who generated it, never stored. */
  token: string;
}

/** Generates a token and stores its row and reach; only the SHA-256 of the token is written. */
export async function insertToken(tx: Tx, fields: NewTokenFields): Promise<InsertedToken> {
  const generated = generateToken();
  const [row] = await tx
    .insert(platformTokens)
    .values({
      accountId: fields.accountId,
      publicId: generated.publicId,
      secretHash: generated.secretHash,
      name: fields.name,
      ownerUserId: fields.ownerUserId,
      ownerServiceUserId: fields.ownerServiceUserId,
      createdById: fields.createdById,
      scopes: [...new Set(fields.scopes)],
      appliesToAccount: fields.appliesToAccount,
      expiresAt: fields.expiresAt,
      createdAt: fields.createdAt,
      rotatedFromId: fields.rotatedFromId ?? null,
      allowedClientAddresses: fields.allowedClientAddresses?.length ? [...fields.allowedClientAddresses] : null,
    })
    .returning({ id: platformTokens.id });
  const id = row!.id;
  const environmentIds = fields.appliesToAccount ? [] : [...new Set(fields.environmentIds)];
  if (environmentIds.length > 0) {
    await tx.insert(platformTokenEnvironments).values(environmentIds.map((environmentId) => ({ tokenId: id, environmentId })));
  }
  return { id, publicId: generated.publicId, tokenId: generated.tokenId, token: generated.token };
}
