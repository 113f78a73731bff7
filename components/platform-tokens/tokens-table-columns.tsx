'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { When } from '@/components/ui/when';
import type { TokenActionKind } from '@/lib/tokens/capabilities';
import type { TokenRow } from '@/lib/tokens/token-row';
import { TokenActionsMenu } from './token-actions-menu';
import {
  Email,
  TokenEnvironmentsCell,
  TokenExpiresCell,
  TokenIdCell,
  TokenLastUsedCell,
  TokenNameLink,
  TokenOwnerCell,
  TokenRotationInfo,
  TokenStatusBadge,
} from './token-cells';

const time = (iso: string | null, fallback: number) => (iso ? Date.parse(iso) : fallback);

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
      className="mt-0.5 size-4 rounded border-slate-300 accent-brand-600"
      checked={checked}
      ref={(el) => {
        if (el) el.indeterminate = indeterminate;
      }}
      onChange={(event) => onChange(event.currentTarget.checked)}
    />
  );
}

/** The page's select-all checkbox, for the table's header and above the phone cards. */
export function SelectPageCheckbox({
  checked,
  indeterminate,
  onChange,
}: {
  checked: boolean;
  indeterminate: boolean;
  onChange: (checked: boolean) => void;
}) {
  return <Checkbox label="Select all tokens on this page" checked={checked} indeterminate={indeterminate} onChange={onChange} />;
}

/**
 * The columns of My platform tokens and of an account's list (PRODUCT.md §5): the admin list
 * adds a checkbox per row and "Created by". Sorting keys serve the browser's sort of My
 * platform tokens; the admin list is sorted by the server.
 */
export function getTokenColumns({
  onAction,
  admin = false,
}: {
  onAction: (kind: TokenActionKind, token: TokenRow) => void;
  admin?: boolean;
}): ColumnDef<TokenRow>[] {
  const columns: (ColumnDef<TokenRow> | null)[] = [
    admin
      ? {
          id: 'select',
          enableSorting: false,
          meta: { card: 'select', className: 'w-8 pr-0' },
          header: ({ table }) => (
            <SelectPageCheckbox
              checked={table.getIsAllPageRowsSelected()}
              indeterminate={table.getIsSomePageRowsSelected()}
              onChange={(checked) => table.toggleAllPageRowsSelected(checked)}
            />
          ),
          cell: ({ row }) => (
            <Checkbox label={`Select ${row.original.name}`} checked={row.getIsSelected()} onChange={(checked) => row.toggleSelected(checked)} />
          ),
        }
      : null,
    {
      id: 'name',
      header: 'Name',
      accessorFn: (t) => t.name.toLowerCase(),
      meta: { card: 'title', className: 'min-w-28 max-w-72' },
      cell: ({ row: { original: t } }) => (
        <div className="flex flex-col gap-1">
          <TokenNameLink tokenId={t.tokenId} name={t.name} />
          <TokenRotationInfo
            rotatedToTokenId={t.rotatedToTokenId}
            rotatedFromTokenId={t.rotatedFromTokenId}
            rotatedAt={t.rotatedAt}
            expiresAt={t.expiresAt}
          />
        </div>
      ),
    },
    {
      id: 'tokenId',
      header: 'Token ID',
      accessorKey: 'tokenId',
      meta: { className: 'min-w-28' },
      cell: ({ row }) => <TokenIdCell tokenId={row.original.tokenId} />,
    },
    {
      id: 'status',
      header: 'Status',
      accessorKey: 'state',
      meta: { card: 'badge' },
      cell: ({ row }) => <TokenStatusBadge state={row.original.state} />,
    },
    { id: 'account', header: 'Account', accessorKey: 'accountName', meta: { className: 'min-w-20' } },
    {
      id: 'environments',
      header: 'Environments',
      accessorFn: (t) => (t.appliesToAccount ? '' : t.environments.join(', ')),
      meta: { className: 'min-w-28' },
      cell: ({ row: { original: t } }) => <TokenEnvironmentsCell appliesToAccount={t.appliesToAccount} environments={t.environments} />,
    },
    {
      id: 'owner',
      header: 'Owner',
      accessorFn: (t) => t.ownerEmail,
      meta: { className: 'min-w-32' },
      cell: ({ row: { original: t } }) => <TokenOwnerCell email={t.ownerEmail} isServiceUser={t.ownerIsServiceUser} />,
    },
    admin
      ? {
          id: 'createdBy',
          header: 'Created by',
          enableSorting: false,
          meta: { className: 'min-w-32' },
          cell: ({ row }) =>
            row.original.createdByEmail ? <Email email={row.original.createdByEmail} /> : <span className="text-slate-500">Deleted user</span>,
        }
      : null,
    {
      id: 'created',
      header: 'Created',
      accessorFn: (t) => time(t.createdAt, 0),
      sortingFn: 'basic',
      sortDescFirst: true,
      cell: ({ row }) => <When at={row.original.createdAt} />,
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
      // Stays in view when a narrow window scrolls the table sideways.
      meta: {
        card: 'actions',
        className:
          'sticky right-0 w-10 bg-white text-right shadow-[-6px_0_6px_-6px_rgb(0_0_0/0.15)] group-hover:bg-slate-50 group-[.bg-brand-50]:bg-brand-50 in-[thead]:bg-slate-50',
      },
      cell: ({ row }) => <TokenActionsMenu token={row.original} onAction={(kind) => onAction(kind, row.original)} />,
    },
  ];
  return columns.filter((c): c is ColumnDef<TokenRow> => c !== null);
}
