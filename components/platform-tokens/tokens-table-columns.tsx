'use client';

import type { ColumnDef } from '@tanstack/react-table';
import type { TokenView } from '@/lib/tokens/view';
import { TokenActionsMenu, type TokenActionKind } from './token-actions-menu';
import {
  TokenEnvironmentsCell,
  TokenExpiresCell,
  TokenIdCell,
  TokenLastUsedCell,
  TokenOwnerCell,
  TokenRotationInfo,
  TokenStatusBadge,
} from './token-cells';

const time = (iso: string | null, fallback: number) => (iso ? Date.parse(iso) : fallback);

/** The columns of My platform tokens (PRODUCT.md §5), sortable except for the Actions menu. */
export function getTokenColumns(onAction: (kind: TokenActionKind, token: TokenView) => void): ColumnDef<TokenView>[] {
  return [
    {
      id: 'name',
      header: 'Name',
      accessorFn: (t) => t.name.toLowerCase(),
      cell: ({ row: { original: t } }) => (
        <div className="flex min-w-40 flex-col gap-1">
          <span className="font-medium text-slate-900">{t.name}</span>
          <TokenRotationInfo
            rotatedToTokenId={t.rotatedToTokenId}
            rotatedFromTokenId={t.rotatedFromTokenId}
            rotatedAt={t.rotatedAt}
            expiresAt={t.expiresAt}
          />
        </div>
      ),
    },
    { id: 'tokenId', header: 'Token ID', accessorKey: 'tokenId', cell: ({ row }) => <TokenIdCell tokenId={row.original.tokenId} /> },
    { id: 'status', header: 'Status', accessorKey: 'state', cell: ({ row }) => <TokenStatusBadge state={row.original.state} /> },
    { id: 'account', header: 'Account', accessorKey: 'accountName' },
    {
      id: 'environments',
      header: 'Environments',
      accessorFn: (t) => (t.appliesToAccount ? '' : t.environments.map((e) => e.name).join(', ')),
      cell: ({ row: { original: t } }) => (
        <TokenEnvironmentsCell appliesToAccount={t.appliesToAccount} environments={t.environments.map((e) => e.name)} />
      ),
    },
    {
      id: 'owner',
      header: 'Owner',
      accessorFn: (t) => t.owner.email,
      cell: ({ row: { original: t } }) => <TokenOwnerCell email={t.owner.email} isServiceUser={t.owner.isServiceUser} />,
    },
    {
      id: 'expires',
      header: 'Expires',
      accessorFn: (t) => time(t.expiresAt, Number.MAX_SAFE_INTEGER),
      sortingFn: 'basic',
      cell: ({ row }) => <TokenExpiresCell expiresAt={row.original.expiresAt} />,
    },
    {
      id: 'lastUsed',
      header: 'Last used',
      accessorFn: (t) => time(t.lastUsedAt, 0),
      sortingFn: 'basic',
      sortDescFirst: true,
      cell: ({ row: { original: t } }) => <TokenLastUsedCell lastUsedAt={t.lastUsedAt} lastUsedIp={t.lastUsedIp} />,
    },
    {
      id: 'actions',
      header: () => <span className="sr-only">Actions</span>,
      enableSorting: false,
      cell: ({ row }) => <TokenActionsMenu token={row.original} onAction={(kind) => onAction(kind, row.original)} />,
    },
  ];
}
