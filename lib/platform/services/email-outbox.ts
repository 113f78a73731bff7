import { desc, eq, inArray, or, sql } from 'drizzle-orm';
import type { Executor } from '@/lib/db';
import { accounts, emailMessages, environments, platformTokens, serviceUsers, users } from '@/lib/db/schema';
import { formatTokenId } from '@/lib/tokens/format';

// The outbox as the portal shows it: emails sent with tokens the person owns, and with tokens they
// generated (for a service user, say), so the creator of an export job sees what it mailed; and the
// portal's own emails sent for them (invitations they sent, their password resets), which have no
// token or environment and whose stored body holds no one-time link.

export const OUTBOX_PAGE_SIZE = 50;

export interface OutboxEmail {
  id: string;
  createdAt: string;
  sentAt: string | null;
  status: 'stored' | 'sending' | 'sent' | 'failed';
  error: string | null;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  body: string;
  contentType: string;
  /** Null for the portal's own emails. */
  tokenId: string | null;
  /** Email of the identity the token acted as (for the portal's emails: the person they were sent for). */
  sentAs: string;
  environment: { id: string; name: string; accountName: string } | null;
}

export async function listOutbox(db: Executor, userId: string, page: number): Promise<{ emails: OutboxEmail[]; hasNextPage: boolean }> {
  const generated = db
    .select({ tokenId: sql<string>`${formatTokenId('')} || ${platformTokens.publicId}` })
    .from(platformTokens)
    .where(eq(platformTokens.createdById, userId));
  const rows = await db
    .select({
      id: emailMessages.id,
      createdAt: emailMessages.createdAt,
      sentAt: emailMessages.sentAt,
      status: emailMessages.status,
      error: emailMessages.error,
      to: emailMessages.to,
      cc: emailMessages.cc,
      bcc: emailMessages.bcc,
      subject: emailMessages.subject,
      body: emailMessages.body,
      contentType: emailMessages.contentType,
      tokenId: emailMessages.tokenId,
      userEmail: users.email,
      serviceUserEmail: serviceUsers.email,
      environmentId: environments.id,
      environmentName: environments.name,
      accountName: accounts.name,
    })
    .from(emailMessages)
    .leftJoin(environments, eq(environments.id, emailMessages.environmentId))
    .leftJoin(accounts, eq(accounts.id, environments.accountId))
    .leftJoin(users, eq(users.id, emailMessages.ownerUserId))
    .leftJoin(serviceUsers, eq(serviceUsers.id, emailMessages.ownerServiceUserId))
    .where(or(eq(emailMessages.ownerUserId, userId), inArray(emailMessages.tokenId, generated)))
    .orderBy(desc(emailMessages.createdAt), desc(emailMessages.id))
    .limit(OUTBOX_PAGE_SIZE + 1)
    .offset((page - 1) * OUTBOX_PAGE_SIZE);
  return {
    emails: rows.slice(0, OUTBOX_PAGE_SIZE).map((r) => ({
      id: r.id,
      createdAt: r.createdAt.toISOString(),
      sentAt: r.sentAt?.toISOString() ?? null,
      status: r.status,
      error: r.error,
      to: r.to,
      cc: r.cc,
      bcc: r.bcc,
      subject: r.subject,
      body: r.body,
      contentType: r.contentType,
      tokenId: r.tokenId,
      sentAs: r.userEmail ?? r.serviceUserEmail ?? '',
      environment:
        r.environmentId !== null && r.environmentName !== null && r.accountName !== null
          ? { id: r.environmentId, name: r.environmentName, accountName: r.accountName }
          : null,
    })),
    hasNextPage: rows.length > OUTBOX_PAGE_SIZE,
  };
}
