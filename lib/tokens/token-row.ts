import type { TokenStatus } from '@/lib/db/schema';
import type { AdminTokenRow } from './admin-queries';
import type { TokenAction } from './capabilities';
import type { TokenState } from './status';
import type { TokenView } from './view';

/**
 * A token as both tables, their phone cards, the actions menu and its dialogs show it: plain data
 * (dates as ISO strings), the actions offered to the reader, never the secret or its hash.
 */
export interface TokenRow {
  tokenId: string;
  name: string;
  accountId: string;
  accountName: string;
  /** The account's "Maximum lifetime" in days, null for none: the Rotate dialog offers only choices within it. */
  accountMaxLifetimeDays: number | null;
  status: TokenStatus;
  state: TokenState;
  appliesToAccount: boolean;
  /** Environment names. */
  environments: string[];
  ownerEmail: string;
  ownerIsServiceUser: boolean;
  createdByEmail: string | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  rotatedAt: string | null;
  rotatedToTokenId: string | null;
  rotatedFromTokenId: string | null;
  actions: TokenAction[];
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function tokenRowFromView(view: TokenView, actions: TokenAction[]): TokenRow {
  return {
    tokenId: view.tokenId,
    name: view.name,
    accountId: view.accountId,
    accountName: view.accountName,
    accountMaxLifetimeDays: view.accountMaxLifetimeDays,
    status: view.status,
    state: view.state,
    appliesToAccount: view.appliesToAccount,
    environments: view.environments.map((e) => e.name),
    ownerEmail: view.owner.email,
    ownerIsServiceUser: view.owner.isServiceUser,
    createdByEmail: view.createdByEmail,
    createdAt: view.createdAt,
    expiresAt: view.expiresAt,
    lastUsedAt: view.lastUsedAt,
    lastUsedIp: view.lastUsedIp,
    rotatedAt: view.rotatedAt,
    rotatedToTokenId: view.rotatedToTokenId,
    rotatedFromTokenId: view.rotatedFromTokenId,
    actions,
  };
}

export function tokenRowFromAdmin(row: AdminTokenRow, actions: TokenAction[]): TokenRow {
  return {
    tokenId: row.tokenId,
    name: row.name,
    accountId: row.accountId,
    accountName: row.accountName,
    accountMaxLifetimeDays: row.accountMaxLifetimeDays,
    status: row.status,
    state: row.state,
    appliesToAccount: row.appliesToAccount,
    environments: row.environments,
    ownerEmail: row.ownerEmail,
    ownerIsServiceUser: row.ownerIsServiceUser,
    createdByEmail: row.createdByEmail,
    createdAt: row.createdAt.toISOString(),
    expiresAt: iso(row.expiresAt),
    lastUsedAt: iso(row.lastUsedAt),
    lastUsedIp: row.lastUsedIp,
    rotatedAt: iso(row.rotatedAt),
    rotatedToTokenId: row.rotatedToTokenId,
    rotatedFromTokenId: row.rotatedFromTokenId,
    actions,
  };
}
