import type { Metadata } from 'next';
import { requireActor } from '@/app/_lib/session';
import { PlatformTokensView } from '@/components/platform-tokens/platform-tokens-view';
import { getDb } from '@/lib/db';
import { TOKEN_LIMIT, tokenCountsByAccount } from '@/lib/tokens/limits';
import { listMyTokens } from '@/lib/tokens/list';

export const metadata: Metadata = { title: 'My platform tokens' };

export default async function MyPlatformTokensPage({ searchParams }: { searchParams: Promise<{ generated?: string | string[] }> }) {
  const actor = await requireActor();
  const db = await getDb();
  const now = new Date();
  const [tokens, counts, { generated }] = await Promise.all([
    listMyTokens(db, actor.userId, now),
    tokenCountsByAccount(db, actor.userId, now),
    searchParams,
  ]);
  const accounts = actor.memberships.map((m) => ({
    id: m.accountId,
    name: m.accountName,
    count: counts.get(m.accountId) ?? 0,
    limit: TOKEN_LIMIT,
    allowTokenManagement: m.allowTokenManagement,
  }));
  const fresh = typeof generated === 'string' ? tokens.find((t) => t.tokenId === generated) : undefined;
  return (
    <PlatformTokensView
      tokens={tokens}
      accounts={accounts}
      initialStatus={fresh ? `Generated “${fresh.name}” (${fresh.tokenId}).` : null}
    />
  );
}
