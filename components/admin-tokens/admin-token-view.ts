import type { AdminTokenRow } from '@/lib/tokens/admin-queries';
import type { TokenState } from '@/lib/tokens/status';

/** A row of the admin token list as the browser gets it: plain data, dates as ISO strings. */
export interface AdminTokenView {
  tokenId: string;
  name: string;
  state: TokenState;
  accountName: string;
  appliesToAccount: boolean;
  environments: string[];
  ownerEmail: string;
  ownerIsServiceUser: boolean;
  createdByEmail: string | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
}

export function toAdminTokenView(row: AdminTokenRow): AdminTokenView {
  return {
    tokenId: row.tokenId,
    name: row.name,
    state: row.state,
    accountName: row.accountName,
    appliesToAccount: row.appliesToAccount,
    environments: row.environments,
    ownerEmail: row.ownerEmail,
    ownerIsServiceUser: row.ownerIsServiceUser,
    createdByEmail: row.createdByEmail,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    lastUsedIp: row.lastUsedIp,
  };
}
