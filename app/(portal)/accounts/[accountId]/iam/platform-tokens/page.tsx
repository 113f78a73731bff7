import type { Metadata } from 'next';
import { requireAccountAdmin } from '@/app/_lib/session';
import { AdminTokensView } from '@/components/admin-tokens/admin-tokens-view';
import { loadTokenPolicy } from '@/lib/accounts/token-policy';
import { membershipOf } from '@/lib/auth/users';
import { getDb } from '@/lib/db';
import { countAccountTokens, listAccountTokens } from '@/lib/tokens/admin-queries';
import { tokenActionsFor } from '@/lib/tokens/capabilities';
import { tokenCountsByAccount } from '@/lib/tokens/limits';
import { tokenRowFromAdmin } from '@/lib/tokens/token-row';
import { parseAdminTokenListParams } from '@/lib/validations/admin-tokens';
import { bulkTokensAction, previewSelectionAction, setTokenManagementAction, setTokenPolicyAction } from '@/app/_actions/admin-tokens';

export const metadata: Metadata = { title: 'Platform tokens' };

export default async function AccountPlatformTokensPage({
  params,
  searchParams,
}: {
  params: Promise<{ accountId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { accountId } = await params;
  const actor = await requireAccountAdmin(accountId);
  const membership = membershipOf(actor, accountId)!;
  const query = parseAdminTokenListParams(await searchParams);
  const db = await getDb();
  const now = new Date();
  const [page, counts, tokenPolicy] = await Promise.all([
    listAccountTokens(db, actor, accountId, query, now),
    tokenCountsByAccount(db, actor.userId, now),
    loadTokenPolicy(db, accountId),
  ]);
  // Not awaited: the count streams in after the page, so it never holds the list up.
  const count = countAccountTokens(db, actor, accountId, query, now);
  return (
    <AdminTokensView
      accountId={accountId}
      accountName={membership.accountName}
      allowTokenManagement={membership.allowTokenManagement}
      tokenPolicy={tokenPolicy}
      basePath={`/accounts/${encodeURIComponent(accountId)}/iam/platform-tokens`}
      query={query}
      tokens={page.rows.map((row) => tokenRowFromAdmin(row, tokenActionsFor(actor, row, counts)))}
      hasNextPage={page.hasNextPage}
      count={count}
      actions={{
        bulk: bulkTokensAction,
        preview: previewSelectionAction,
        setTokenManagement: setTokenManagementAction,
        setTokenPolicy: setTokenPolicyAction,
      }}
    />
  );
}
