import { eq, inArray } from 'drizzle-orm';
import type { Executor } from '@/lib/db';
import { accounts, serviceUsers, users } from '@/lib/db/schema';
import { storePortalEmail, type Delivery } from '@/lib/people/portal-email';
import { formatTokenId } from './format';

// Emails about a token to its owner and its creator (PRODUCT.md §11: leaked, disabled as unused,
// about to expire), each with a link to the token's page. One email per person and token.

export interface NoticeToken {
  publicId: string;
  name: string;
  accountId: string;
  ownerUserId: string | null;
  ownerServiceUserId: string | null;
  createdById: string | null;
}

export interface TokenNotice {
  subject: (token: { name: string; tokenId: string }) => string;
  /** The text, given the token, its account's name and the link to its page. */
  body: (token: { name: string; tokenId: string; accountName: string; link: string }) => string;
}

export function tokenPageLink(origin: string, tokenId: string): string {
  return `${origin.replace(/\/+$/, '')}/platform-tokens/${encodeURIComponent(tokenId)}`;
}

/**
 * Puts the emails in the outbox inside the caller's transaction and returns their deliveries, to
 * run once it has committed (see storePortalEmail).
 */
export async function storeTokenNotices(
  tx: Executor,
  tokens: readonly NoticeToken[],
  notice: TokenNotice,
  origin: string,
): Promise<(db: Executor) => Delivery[]> {
  if (tokens.length === 0) return () => [];
  const userIds = [...new Set(tokens.flatMap((t) => [t.ownerUserId, t.createdById]).filter((id): id is string => id !== null))];
  const serviceUserIds = [...new Set(tokens.map((t) => t.ownerServiceUserId).filter((id): id is string => id !== null))];
  const accountIds = [...new Set(tokens.map((t) => t.accountId))];
  // One after another: a transaction is one connection, which runs one statement at a time.
  const userRows = userIds.length ? await tx.select({ id: users.id, email: users.email }).from(users).where(inArray(users.id, userIds)) : [];
  const serviceUserRows = serviceUserIds.length
    ? await tx.select({ id: serviceUsers.id, email: serviceUsers.email }).from(serviceUsers).where(inArray(serviceUsers.id, serviceUserIds))
    : [];
  const accountRows =
    accountIds.length === 1
      ? await tx.select({ id: accounts.id, name: accounts.name }).from(accounts).where(eq(accounts.id, accountIds[0]!))
      : await tx.select({ id: accounts.id, name: accounts.name }).from(accounts).where(inArray(accounts.id, accountIds));
  const userEmail = new Map(userRows.map((u) => [u.id, u.email]));
  const serviceUserEmail = new Map(serviceUserRows.map((s) => [s.id, s.email]));
  const accountName = new Map(accountRows.map((a) => [a.id, a.name]));

  const stored: ((db: Executor) => Delivery)[] = [];
  for (const token of tokens) {
    const tokenId = formatTokenId(token.publicId);
    const link = tokenPageLink(origin, tokenId);
    const recipients: { ownerUserId: string | null; ownerServiceUserId: string | null; to: string }[] = [];
    if (token.ownerUserId && userEmail.has(token.ownerUserId)) {
      recipients.push({ ownerUserId: token.ownerUserId, ownerServiceUserId: null, to: userEmail.get(token.ownerUserId)! });
    }
    if (token.ownerServiceUserId && serviceUserEmail.has(token.ownerServiceUserId)) {
      recipients.push({ ownerUserId: null, ownerServiceUserId: token.ownerServiceUserId, to: serviceUserEmail.get(token.ownerServiceUserId)! });
    }
    if (token.createdById && token.createdById !== token.ownerUserId && userEmail.has(token.createdById)) {
      recipients.push({ ownerUserId: token.createdById, ownerServiceUserId: null, to: userEmail.get(token.createdById)! });
    }
    const facts = { name: token.name, tokenId, accountName: accountName.get(token.accountId) ?? token.accountId };
    for (const recipient of recipients) {
      const email = await storePortalEmail(tx, {
        ...recipient,
        subject: notice.subject(facts),
        body: (url) => notice.body({ ...facts, link: url }),
        link,
        secretLink: false,
      });
      stored.push(email.delivery);
    }
  }
  return (db) => stored.map((delivery) => delivery(db));
}
