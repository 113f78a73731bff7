'use client';

import type { ColumnDef } from '@tanstack/react-table';
import {
  TokenEnvironmentsCell,
  TokenExpiresCell,
  TokenIdCell,
  TokenLastUsedCell,
  TokenOwnerCell,
  TokenStatusBadge,
} from '@/components/platform-tokens/token-cells';
import type { AdminTokenSort } from '@/lib/validations/admin-tokens';
import type { AdminTokenView } from './admin-token-view';

/** Columns the server can sort by, by column ID. */
export const SORTABLE_COLUMNS: Partial<Record<string, AdminTokenSort>> = {
  name: 'name',
  tokenId: 'tokenId',
  expires: 'expires',
  lastUsed: 'lastUsed',
};

function Checkbox({
  label,
  checked,
  indeterminate = false,
  onChange,
}: {
  label: string;
  checked: boolean;
  indeterminate?: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <input
      type="checkbox"
      aria-label={label}
      className="size-4 rounded border-slate-300 accent-brand-600"
      checked={checked}
      ref={(el) => {
        if (el) el.indeterminate = indeterminate;
      }}
      onChange={(event) => onChange(event.currentTarget.checked)}
    />
  );
}

/** My platform tokens' columns plus "Created by", with a checkbox per row and one for the page. */
export function getAdminTokenColumns(): ColumnDef<AdminTokenView>[] {
  return [
    {
      id: 'select',
      header: ({ table }) => (
        <Checkbox
          label="Select all tokens on this page"
          checked={table.getIsAllPageRowsSelected()}
          indeterminate={table.getIsSomePageRowsSelected()}
          onChange={(checked) => table.toggleAllPageRowsSelected(checked)}
        />
      ),
      cell: ({ row }) => (
        <Checkbox label={`Select ${row.original.name}`} checked={row.getIsSelected()} onChange={(checked) => row.toggleSelected(checked)} />
      ),
    },
    {
      id: 'name',
      header: 'Name',
      cell: ({ row }) => <span className="font-medium text-slate-900">{row.original.name}</span>,
    },
    { id: 'tokenId', header: 'Token ID', cell: ({ row }) => <TokenIdCell tokenId={row.original.tokenId} /> },
    { id: 'status', header: 'Status', cell: ({ row }) => <TokenStatusBadge state={row.original.state} /> },
    { id: 'account', header: 'Account', cell: ({ row }) => row.original.accountName },
    {
      id: 'environments',
      header: 'Environments',
      cell: ({ row: { original: t } }) => <TokenEnvironmentsCell appliesToAccount={t.appliesToAccount} environments={t.environments} />,
    },
    {
      id: 'owner',
      header: 'Owner',
      cell: ({ row: { original: t } }) => <TokenOwnerCell email={t.ownerEmail} isServiceUser={t.ownerIsServiceUser} />,
    },
    {
      id: 'createdBy',
      header: 'Created by',
      cell: ({ row }) => row.original.createdByEmail ?? <span className="text-slate-500">Deleted user</span>,
    },
    { id: 'expires', header: 'Expires', cell: ({ row }) => <TokenExpiresCell expiresAt={row.original.expiresAt} /> },
    {
      id: 'lastUsed',
      header: 'Last used',
      cell: ({ row: { original: t } }) => <TokenLastUsedCell lastUsedAt={t.lastUsedAt} lastUsedIp={t.lastUsedIp} />,
    },
  ];
}
