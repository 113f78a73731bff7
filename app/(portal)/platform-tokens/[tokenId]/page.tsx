import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { requireActor } from '@/app/_lib/session';
import { toActivityEventView } from '@/components/activity/activity-event-view';
import { TokenPageView } from '@/components/platform-tokens/token-page-view';
import { membershipOf } from '@/lib/auth/users';
import { getDb } from '@/lib/db';
import { tokenActionsFor } from '@/lib/tokens/capabilities';
import { tokenCountsByAccount } from '@/lib/tokens/limits';
import { loadTokenPage } from '@/lib/tokens/token-page';
import { tokenRowFromView } from '@/lib/tokens/token-row';
import { tokenIdSchema } from '@/lib/validations/tokens';

type Props = { params: Promise<{ tokenId: string }> };

/** The token for this request, or the same 404 for a missing token and one the reader may not see. */
const load = cache(async (rawTokenId: string) => {
  const parsed = tokenIdSchema.safeParse(rawTokenId);
  if (!parsed.success) notFound();
  const actor = await requireActor();
  const db = await getDb();
  const [page, counts] = await Promise.all([loadTokenPage(db, actor, parsed.data, new Date()), tokenCountsByAccount(db, actor.userId, new Date())]);
  if (!page) notFound();
  return { actor, page, counts };
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { page } = await load((await params).tokenId);
  return { title: page.token.name };
}

export default async function TokenPage({ params }: Props) {
  const { actor, page, counts } = await load((await params).tokenId);
  const { token } = page;
  const mine = token.createdById === actor.userId || token.ownerUserId === actor.userId;
  const adminList = `/accounts/${encodeURIComponent(token.accountId)}/iam/platform-tokens`;
  // An admin looking at someone else's token came from the account's list, and goes back there.
  const back =
    !mine && membershipOf(actor, token.accountId)?.role === 'admin'
      ? { href: adminList, label: `Platform tokens of ${token.accountName}` }
      : { href: '/platform-tokens', label: 'My platform tokens' };
  return (
    <TokenPageView
      token={tokenRowFromView(token, tokenActionsFor(actor, token, counts))}
      reach={page.reach.map((e) => e.name)}
      allowedClientAddresses={token.allowedClientAddresses}
      scopes={page.scopes}
      activity={page.activity.map(toActivityEventView)}
      back={back}
    />
  );
}
