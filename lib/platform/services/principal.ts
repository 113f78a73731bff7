import { z } from 'zod';
import type { Principal } from '@/lib/iam/effective-permissions';

/** The owner columns (user or service user) of a row that belongs to a token's owner. */
export function ownerColumns(owner: Principal): { ownerUserId: string | null; ownerServiceUserId: string | null } {
  return owner.kind === 'user'
    ? { ownerUserId: owner.userId, ownerServiceUserId: null }
    : { ownerUserId: null, ownerServiceUserId: owner.serviceUserId };
}

/** How an owner appears in responses; null when that identity no longer exists. */
export const ownerSchema = z
  .object({ type: z.enum(['user', 'service-user']), id: z.uuid(), email: z.string().nullable() })
  .nullable()
  .meta({ id: 'Owner', description: 'The identity that owns the item; null when it no longer exists.' });

export interface OwnerView {
  type: 'user' | 'service-user';
  id: string;
  email: string | null;
}

/** How an owner appears in responses; null when that identity no longer exists. */
export function ownerView(row: {
  ownerUserId: string | null;
  ownerServiceUserId: string | null;
  ownerUserEmail: string | null;
  ownerServiceUserEmail: string | null;
}): OwnerView | null {
  if (row.ownerUserId) return { type: 'user', id: row.ownerUserId, email: row.ownerUserEmail };
  if (row.ownerServiceUserId) return { type: 'service-user', id: row.ownerServiceUserId, email: row.ownerServiceUserEmail };
  return null;
}
