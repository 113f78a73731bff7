import type { Metadata } from 'next';
import { requireAccountAdmin } from '@/app/_lib/session';
import { toAdminTokenView } from '@/components/admin-tokens/admin-token-view';
import { AdminTokensView } from '@/components/admin-tokens/admin-tokens-view';
import { membershipOf } from '@/lib/auth/users';
import { getDb } from '@/lib/db';
import { countAccountTokens, listAccountTokens } from '@/lib/tokens/admin-queries';
import { parseAdminTokenListParams } from '@/lib/validations/admin-tokens';
import { bulkTokensAction, previewSelectionAction, setTokenManagementAction } from '@/app/_actions/admin-tokens';

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
  const page = await listAccountTokens(db, actor, accountId, query, now);
  // Not awaited: the count streams in after the page, so it never holds the list up.
  const count = countAccountTokens(db, actor, accountId, query, now);
  return (
    <AdminTokensView
      accountId={accountId}
      accountName={membership.accountName}
      allowTokenManagement={membership.allowTokenManagement}
      basePath={`/accounts/${encodeURIComponent(accountId)}/iam/platform-tokens`}
      query={query}
      tokens={page.rows.map(toAdminTokenView)}
      hasNextPage={page.hasNextPage}
      count={count}
      actions={{ bulk: bulkTokensAction, preview: previewSelectionAction, setTokenManagement: setTokenManagementAction }}
    />
  );
}
