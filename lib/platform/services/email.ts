import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { emailMessages, serviceUsers, users } from '@/lib/db/schema';
import { accepted, defineEndpoint, type PlatformContext } from '../endpoint';
import { configuredSender, DeliveryError, type EmailSender } from './email-delivery';
import { ownerColumns } from './principal';
import { storableString } from './storage-json';

// The email service: every email goes to the outbox (email_messages), which the portal shows
// to the token's owner and creator; with SMTP_URL set it is also delivered, and the outbox
// records whether that worked. Replies go to the token owner's address.

const MAX_RECIPIENTS = 50;
const address = z.email({ error: 'must be an email address' }).max(254, 'must be an email address of at most 254 characters');
const recipients = (required: boolean) => {
  const list = z
    .union([address.transform((a) => [a]), z.array(address, { error: 'must be an email address or an array of them' })], {
      error: 'must be an email address or an array of them',
    })
    .refine((l) => l.length <= MAX_RECIPIENTS, `can have at most ${MAX_RECIPIENTS} addresses`);
  return required ? list.refine((l) => l.length > 0, 'needs at least one address') : list.default([]);
};

export const emailBody = z.object({
  to: recipients(true),
  cc: recipients(false),
  bcc: recipients(false),
  subject: storableString(
    z
      .string({ error: 'is required and must be a string' })
      .trim()
      .min(1, 'must not be empty')
      .max(998, 'must be at most 998 characters')
      .refine((s) => !/[\r\n]/.test(s), 'must be a single line'),
  ),
  body: storableString(z.string({ error: 'is required and must be a string' }).max(1_000_000, 'must be at most 1000000 characters')),
  contentType: z.enum(['text/plain', 'text/html'], { error: 'must be text/plain or text/html' }).default('text/plain'),
});

export type EmailInput = z.output<typeof emailBody>;

async function ownerEmail(ctx: PlatformContext): Promise<string | null> {
  const [row] =
    ctx.owner.kind === 'user'
      ? await ctx.db.select({ email: users.email }).from(users).where(eq(users.id, ctx.owner.userId))
      : await ctx.db.select({ email: serviceUsers.email }).from(serviceUsers).where(eq(serviceUsers.id, ctx.owner.serviceUserId));
  return row?.email ?? null;
}

/** Puts the email in the outbox and, when SMTP is configured, delivers it. */
export async function sendEmail(ctx: PlatformContext, input: EmailInput, sender: EmailSender | null = configuredSender()) {
  const [row] = await ctx.db
    .insert(emailMessages)
    .values({
      environmentId: ctx.environmentId,
      ...ownerColumns(ctx.owner),
      tokenId: ctx.token.tokenId,
      to: input.to,
      cc: input.cc,
      bcc: input.bcc,
      subject: input.subject,
      body: input.body,
      contentType: input.contentType,
      status: sender ? 'sending' : 'stored',
      createdAt: ctx.now,
    })
    .returning({ id: emailMessages.id });
  const id = row!.id;
  let status: 'stored' | 'sent' | 'failed' = 'stored';
  let error: string | null = null;
  if (sender) {
    try {
      await sender.send({ ...input, replyTo: await ownerEmail(ctx) });
      status = 'sent';
    } catch (failure) {
      status = 'failed';
      error = failure instanceof DeliveryError ? failure.message : 'Delivery failed for an unexpected reason.';
      if (!(failure instanceof DeliveryError)) console.error('[email] delivery failed:', failure instanceof Error ? failure.message : failure);
    }
    await ctx.db
      .update(emailMessages)
      .set({ status, error, sentAt: status === 'sent' ? ctx.now : null })
      .where(eq(emailMessages.id, id));
  }
  return { id, status, to: input.to, cc: input.cc, bcc: input.bcc, subject: input.subject, ...(error ? { error } : {}) };
}

export const sendEmailEndpoint = defineEndpoint({
  id: 'email.emails.send',
  service: 'email',
  method: 'POST',
  path: '/email/v1/emails',
  scopes: ['email:emails:send'],
  summary: 'Send an email',
  description: 'Kept in an outbox; delivered over SMTP when configured.',
  requestBody: 'JSON object with to, subject and body, and optionally cc, bcc and contentType',
  body: emailBody,
  maxBodyBytes: 2 * 1024 * 1024,
  exampleBody: { to: ['ops@example.com'], subject: 'Nightly export', body: 'The export finished.' },
  responses: {
    202: {
      description: 'In the outbox; the status says whether it was delivered.',
      schema: z.object({
        id: z.uuid(),
        status: z.enum(['stored', 'sent', 'failed']),
        to: z.array(z.string()),
        cc: z.array(z.string()),
        bcc: z.array(z.string()),
        subject: z.string(),
        error: z.string().optional(),
      }),
    },
  },
  async handle({ body }, ctx) {
    return accepted(await sendEmail(ctx, body));
  },
});

export const emailEndpoints = [sendEmailEndpoint];
