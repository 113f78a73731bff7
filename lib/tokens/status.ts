import type { TokenStatus } from '@/lib/db/schema';

/** What users see: a disabled token reads Disabled even after its expiry; otherwise expiry wins. */
export type TokenState = 'Active' | 'Disabled' | 'Expired';

export function tokenState(token: { status: TokenStatus; expiresAt: Date | null }, now: Date): TokenState {
  if (token.status === 'disabled') return 'Disabled';
  if (token.expiresAt && token.expiresAt.getTime() <= now.getTime()) return 'Expired';
  return 'Active';
}
