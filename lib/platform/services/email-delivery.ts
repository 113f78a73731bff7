import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { config, type SmtpSettings } from '@/lib/config';

// SMTP delivery of the email service. SMTP_URL (smtp://user:password@host:587 or smtps://…:465)
// turns it on; SMTP_FROM is the sender address (default no-reply@localhost). Credentials never
// appear in a stored error or a log line.

export interface OutgoingEmail {
  to: readonly string[];
  cc: readonly string[];
  bcc: readonly string[];
  replyTo: string | null;
  subject: string;
  body: string;
  contentType: 'text/plain' | 'text/html';
}

export interface EmailSender {
  send(email: OutgoingEmail): Promise<void>;
}

export class DeliveryError extends Error {
  override name = 'DeliveryError';
}

/** The server as shown in messages: scheme, host and port, never the credentials. */
function describeServer(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** Removes the URL's credentials from a message, in case a library echoes them. */
function redact(message: string, url: URL): string {
  let out = message;
  for (const secret of [url.password, decode(url.password), url.username, decode(url.username)]) {
    if (secret.length >= 3) out = out.split(secret).join('***');
  }
  return out.slice(0, 500);
}

function createSender(settings: SmtpSettings): EmailSender {
  let url: URL | null = null;
  try {
    url = new URL(settings.url);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || !url.hostname) {
    return {
      send: async () => {
        throw new DeliveryError('SMTP_URL is not a valid smtp:// or smtps:// URL, so the email was kept in the outbox only.');
      },
    };
  }
  const server = url;
  const options: SMTPTransport.Options = {
    host: server.hostname,
    port: server.port ? Number(server.port) : server.protocol === 'smtps:' ? 465 : 587,
    secure: server.protocol === 'smtps:',
    auth: server.username ? { user: decode(server.username), pass: decode(server.password) } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  };
  const transport = nodemailer.createTransport(options);
  return {
    async send(email) {
      try {
        await transport.sendMail({
          from: settings.from,
          to: [...email.to],
          cc: [...email.cc],
          bcc: [...email.bcc],
          replyTo: email.replyTo ?? undefined,
          subject: email.subject,
          ...(email.contentType === 'text/html' ? { html: email.body } : { text: email.body }),
        });
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        throw new DeliveryError(redact(`Delivery through ${describeServer(server)} failed: ${detail}`, server));
      }
    },
  };
}

const cache = globalThis as typeof globalThis & { __emailSender?: { key: string; sender: EmailSender } };

/** The sender for the current SMTP settings, or null when SMTP_URL is not set. */
export function configuredSender(settings: SmtpSettings | null = config().smtp): EmailSender | null {
  if (!settings) return null;
  const key = `${settings.url}\n${settings.from}`;
  if (cache.__emailSender?.key !== key) cache.__emailSender = { key, sender: createSender(settings) };
  return cache.__emailSender.sender;
}
