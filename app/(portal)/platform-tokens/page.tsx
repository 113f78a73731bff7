import type { Metadata } from 'next';
import { requireActor } from '@/app/_lib/session';
import { PlatformTokensView } from '@/components/platform-tokens/platform-tokens-view';
import { getDb } from '@/lib/db';
import { tokenActionsFor } from '@/lib/tokens/capabilities';
import { TOKEN_LIMIT, tokenCountsByAccount } from '@/lib/tokens/limits';
import { listMyTokens } from '@/lib/tokens/list';
import { tokenRowFromView } from '@/lib/tokens/token-row';

export const metadata: Metadata = { title: 'My platform tokens' };

export default async function MyPlatformTokensPage() {
  const actor = await requireActor();
  const db = await getDb();
  const now = new Date();
  const [tokens, counts] = await Promise.all([listMyTokens(db, actor.userId, now), tokenCountsByAccount(db, actor.userId, now)]);
  const accounts = actor.memberships.map((m) => ({
    id: m.accountId,
    name: m.accountName,
    count: counts.get(m.accountId) ?? 0,
    limit: TOKEN_LIMIT,
    allowTokenManagement: m.allowTokenManagement,
  }));
  return (
    <PlatformTokensView tokens={tokens.map((t) => tokenRowFromView(t, tokenActionsFor(actor, t, counts)))} accounts={accounts} />
  );
}
