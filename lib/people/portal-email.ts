import { eq } from 'drizzle-orm';
import type { Executor } from '@/lib/db';
import { emailMessages } from '@/lib/db/schema';
import { configuredSender, DeliveryError, type EmailSender } from '@/lib/platform/services/email-delivery';

// The portal's own emails (invitations, password resets), through the same outbox and SMTP
// delivery as the email service. The one-time link is only in the delivered email: the outbox
// copy says where it was, so the database never holds a working link.

export const LINK_PLACEHOLDER = '[one-time link: only in the delivered email]';

export interface PortalEmail {
  /** The person it is sent for: the inviting admin, the person resetting their password, a token's owner or creator. */
  ownerUserId: string | null;
  /** Instead of a person: the service user that owns the token it is about. */
  ownerServiceUserId?: string | null;
  to: string;
  subject: string;
  /** The text with the link in it; called with the placeholder for the stored copy. */
  body: (link: string) => string;
  link: string;
  /** False for a link that entitles nobody (a token's page): the stored copy then keeps it. */
  secretLink?: boolean;
}

/** Delivers the email and records how that went; null when SMTP is not configured. */
export type Delivery = (() => Promise<void>) | null;

/**
 * Puts the email in the outbox (inside the caller's transaction) and returns its delivery, which
 * the caller runs once the transaction has committed, after answering: a slow mail server then
 * holds up nobody, and the time an answer takes says nothing about whether an email went out.
 */
export async function storePortalEmail(
  tx: Executor,
  email: PortalEmail,
  sender: EmailSender | null = configuredSender(),
): Promise<{ delivery: (db: Executor) => Delivery }> {
  const [row] = await tx
    .insert(emailMessages)
    .values({
      ownerUserId: email.ownerUserId,
      ownerServiceUserId: email.ownerServiceUserId ?? null,
      to: [email.to],
      subject: email.subject,
      body: email.body(email.secretLink === false ? email.link : LINK_PLACEHOLDER),
      contentType: 'text/plain',
      status: sender ? 'sending' : 'stored',
    })
    .returning({ id: emailMessages.id });
  const id = row!.id;
  return {
    delivery: (db) =>
      sender
        ? async () => {
            let status: 'sent' | 'failed' = 'sent';
            let error: string | null = null;
            try {
              await sender.send({ to: [email.to], cc: [], bcc: [], replyTo: null, subject: email.subject, body: email.body(email.link), contentType: 'text/plain' });
            } catch (failure) {
              status = 'failed';
              error = failure instanceof DeliveryError ? failure.message : 'Delivery failed for an unexpected reason.';
            }
            await db.update(emailMessages).set({ status, error, sentAt: status === 'sent' ? new Date() : null }).where(eq(emailMessages.id, id));
          }
        : null,
  };
}
