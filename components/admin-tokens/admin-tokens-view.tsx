'use client';

import type { RowSelectionState } from '@tanstack/react-table';
import { useRouter } from 'next/navigation';
import { useRef, useState } from 'react';
import { useNotice } from '@/components/ui/notice';
import type { TokenManagementResult } from '@/lib/accounts/token-management';
import type { TokenPolicy, TokenPolicyResult } from '@/lib/accounts/token-policy';
import type { TokenCount } from '@/lib/tokens/admin-queries';
import type { TokenRow } from '@/lib/tokens/token-row';
import { adminTokenListSearch, type AdminTokenListQuery, type TokenPolicyInput } from '@/lib/validations/admin-tokens';
import type { ActionResult } from '@/lib/validations/result';
import { AdminTokensPagination } from './admin-tokens-pagination';
import { AdminTokensTable } from './admin-tokens-table';
import { AdminTokensToolbar } from './admin-tokens-toolbar';
import { BulkActionBar, type BulkActions } from './bulk-action-bar';
import { TokenManagementSwitch } from './token-management-switch';
import { TokenPolicyForm } from './token-policy-form';
import { useListNavigation } from './use-list-navigation';

export interface AdminTokensViewProps {
  accountId: string;
  accountName: string;
  allowTokenManagement: boolean;
  tokenPolicy: TokenPolicy;
  basePath: string;
  query: AdminTokenListQuery;
  tokens: TokenRow[];
  hasNextPage: boolean;
  count: Promise<TokenCount>;
  actions: BulkActions & {
    setTokenManagement: (input: { accountId: string; allow: boolean }) => Promise<ActionResult<TokenManagementResult>>;
    setTokenPolicy: (input: TokenPolicyInput) => Promise<ActionResult<TokenPolicyResult>>;
  };
}

/** The selection belongs to one list state: a new URL starts with nothing selected. */
function SelectableList({
  props,
  navigation: { href, go, pending },
  onDone,
  outcome,
  searchBox,
}: {
  props: AdminTokensViewProps;
  navigation: ReturnType<typeof useListNavigation>;
  onDone: (message: string) => void;
  outcome: () => HTMLElement | null;
  searchBox: () => HTMLElement | null;
}) {
  const { query, tokens } = props;
  const [rowSelection, setRowSelection] = useState<RowSelectionState>({});
  const [allMatching, setAllMatching] = useState(false);
  const selectedIds = tokens.filter((t) => rowSelection[t.tokenId]).map((t) => t.tokenId);

  function clear() {
    setRowSelection({});
    setAllMatching(false);
  }

  return (
    <div className="space-y-4">
      <BulkActionBar
        accountId={props.accountId}
        filter={{ q: query.q, status: query.status }}
        pageCount={tokens.length}
        selectedIds={selectedIds}
        allMatching={allMatching}
        count={props.count}
        actions={props.actions}
        onSelectAllMatching={() => setAllMatching(true)}
        onClearSelection={clear}
        onDone={(message) => {
          clear();
          onDone(message);
        }}
        outcome={outcome}
      />
      <AdminTokensTable
        caption={`Platform tokens of ${props.accountName}`}
        tokens={tokens}
        query={query}
        href={href}
        busy={pending}
        rowSelection={rowSelection}
        searchBox={searchBox}
        onRowSelectionChange={(next) => {
          setRowSelection(next);
          // Unticking a row means the admin no longer wants every matching token.
          if (Object.keys(next).filter((k) => next[k]).length < tokens.length) setAllMatching(false);
        }}
      />
      <AdminTokensPagination
        query={query}
        rowCount={tokens.length}
        hasNextPage={props.hasNextPage}
        count={props.count}
        href={href}
        onSizeChange={(size) => go({ size })}
      />
    </div>
  );
}

/** Platform tokens of one account, for its admins: the switch, search, filter, bulk actions, pages. */
export function AdminTokensView(props: AdminTokensViewProps) {
  const router = useRouter();
  const navigation = useListNavigation(props.basePath, props.query);
  const { notify, element } = useNotice();
  const searchRef = useRef<HTMLInputElement | null>(null);

  function done(text: string) {
    notify(text);
    router.refresh();
  }

  return (
    <div className="space-y-6">
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold">Platform tokens</h1>
        <p className="text-sm text-slate-600">Every platform token in {props.accountName}, whoever created or owns it.</p>
      </div>
      <TokenManagementSwitch
        accountId={props.accountId}
        accountName={props.accountName}
        allowed={props.allowTokenManagement}
        onChange={props.actions.setTokenManagement}
        onDone={done}
      />
      <TokenPolicyForm accountId={props.accountId} policy={props.tokenPolicy} onSave={props.actions.setTokenPolicy} onDone={done} />
      {/* Outside the keyed list, so typing in the search box survives the navigation it causes. */}
      <AdminTokensToolbar query={props.query} onChange={navigation.go} searchRef={searchRef} />
      <SelectableList
        key={adminTokenListSearch(props.query)}
        props={props}
        navigation={navigation}
        onDone={done}
        outcome={element}
        searchBox={() => searchRef.current}
      />
    </div>
  );
}
