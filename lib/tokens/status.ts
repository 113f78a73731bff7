import type { TokenStatus } from '@/lib/db/schema';
import { isExpired } from './expiration';

/** What users see: a disabled token reads Disabled even after its expiry; otherwise expiry wins. */
export type TokenState = 'Active' | 'Disabled' | 'Expired';

export function tokenState(token: { status: TokenStatus; expiresAt: Date | null }, now: Date): TokenState {
  if (token.status === 'disabled') return 'Disabled';
  if (isExpired(token.expiresAt, now)) return 'Expired';
  return 'Active';
}
