import type { TokenStatus } from '@/lib/db/schema';
import type { TokenState } from './status';

/** A token as tables show it: plain data (dates as ISO strings), never its secret or hash. */
export interface TokenView {
  tokenId: string;
  name: string;
  accountId: string;
  accountName: string;
  /** The account's "Maximum lifetime" in days, null for none: what rotating it may choose. */
  accountMaxLifetimeDays: number | null;
  status: TokenStatus;
  /** Active, Disabled or Expired at the time the list was read. */
  state: TokenState;
  appliesToAccount: boolean;
  environments: { id: string; name: string }[];
  owner: { email: string; isServiceUser: boolean; serviceUserId: string | null };
  createdByEmail: string | null;
  /** Who generated it and whom it acts as (a user), to tell which actions a reader is offered. */
  createdById: string | null;
  ownerUserId: string | null;
  scopes: string[];
  expiresAt: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  rotatedFromTokenId: string | null;
  rotatedToTokenId: string | null;
  rotatedAt: string | null;
  /** CIDR blocks calls must come from; empty is anywhere. */
  allowedClientAddresses: string[];
}
