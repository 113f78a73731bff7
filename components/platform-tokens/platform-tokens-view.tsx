'use client';

import { KeyRound, Plus } from 'lucide-react';
import Form from 'next/form';
import { useEffect, useRef } from 'react';
import { Button } from '@/components/ui/button';
import { useNotice } from '@/components/ui/notice';
import { cn } from '@/lib/cn';
import type { TokenRow } from '@/lib/tokens/token-row';
import { TokensTable } from './tokens-table';

export interface AccountTokenCount {
  id: string;
  name: string;
  count: number;
  limit: number;
  allowTokenManagement: boolean;
}

/** Opens the create form; a GET form, so it also works before the page's scripts have loaded. */
function CreateButton({ children, variant }: { children: React.ReactNode; variant?: 'secondary' }) {
  return (
    <Form action="/platform-tokens/new">
      <Button type="submit" variant={variant}>
        {children}
      </Button>
    </Form>
  );
}

function AccountCounts({ accounts }: { accounts: AccountTokenCount[] }) {
  if (accounts.length === 0) return null;
  return (
    <ul aria-label="Your tokens per account" className="flex flex-wrap gap-2 text-sm">
      {accounts.map((a) => (
        <li
          key={a.id}
          className={cn(
            'rounded-full border px-3 py-1',
            a.count >= a.limit ? 'border-amber-300 bg-amber-50 text-amber-900' : 'border-slate-200 bg-white text-slate-700',
          )}
        >
          {a.name}: {a.count} of {a.limit}
          {a.allowTokenManagement ? '' : ' · token management turned off'}
        </li>
      ))}
    </ul>
  );
}

/** My platform tokens: the "Platform token" button with counts per account, and the table. */
export function PlatformTokensView({ tokens, accounts }: { tokens: TokenRow[]; accounts: AccountTokenCount[] }) {
  const { element: notice } = useNotice();
  const empty = tokens.length === 0;
  const wasEmpty = useRef(empty);
  // Deleting the last token removes the table, and the search box that had focus with it: the
  // outcome is where a keyboard user carries on from.
  useEffect(() => {
    if (empty && !wasEmpty.current && document.activeElement === document.body) notice()?.focus();
    wasEmpty.current = empty;
  }, [empty, notice]);

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">My platform tokens</h1>
          <p className="mt-1 text-sm text-slate-600">Tokens you generated or that act as you, across your accounts.</p>
        </div>
        <div className="flex flex-col items-start gap-2 sm:items-end">
          <CreateButton>
            <Plus aria-hidden className="size-4" />
            Platform token
          </CreateButton>
          <AccountCounts accounts={accounts} />
        </div>
      </div>
      {empty ? (
        <div className="flex flex-col items-center gap-3 rounded-lg border border-dashed border-slate-300 bg-white px-6 py-12 text-center">
          <KeyRound aria-hidden className="size-8 text-slate-400" />
          <h2 className="text-lg font-semibold">No platform tokens yet</h2>
          <p className="max-w-md text-sm text-slate-600">
            A platform token lets a script or job call the platform services as you, or as a service user, with only the
            scopes you choose.
          </p>
          <CreateButton variant="secondary">Generate your first token</CreateButton>
        </div>
      ) : (
        <TokensTable tokens={tokens} />
      )}
    </div>
  );
}
