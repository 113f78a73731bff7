import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { emailMessages } from '@/lib/db/schema';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { startSmtpServer } from '@/lib/testing/smtp';
import { createTestPlatform, insertTestToken, platformRequest, readResponse } from '../testing';

let database: TestDatabase;
let platform: ReturnType<typeof createTestPlatform>;
let token: string;
const PATH = '/email/v1/emails';


beforeAll(async () => {
  database = await createTestDatabase();
  platform = createTestPlatform(database.db);
  token = (await insertTestToken(database.db, { owner: 'exporter@service.example.com', creator: 'admin@example.com', scopes: ['email:emails:send'] })).token;
});
afterAll(async () => {
  platform.unsubscribe();
  await database.close();
});
afterEach(() => {
  delete process.env.SMTP_URL;
  delete process.env.SMTP_FROM;
});

async function send(body: unknown, as = token) {
  return readResponse(await platform.handle(platformRequest('acme-prod', PATH, { method: 'POST', token: as, body })));
}
const message = (r: { body: Record<string, unknown> }) => (r.body.error as { message: string }).message;

describe('email', () => {
  it('keeps the email in the outbox when SMTP is not configured', async () => {
    const response = await send({ to: 'ops@example.com', subject: 'Nightly export', body: 'Done.' });
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ status: 'stored', to: ['ops@example.com'], subject: 'Nightly export' });
    const [row] = await database.db.select().from(emailMessages).where(eq(emailMessages.id, response.body.id as string));
    expect(row).toMatchObject({ status: 'stored', body: 'Done.', contentType: 'text/plain', environmentId: 'acme-prod', ownerUserId: null });
    expect(row!.tokenId).toMatch(/^dt0s16\.[A-Z0-9]{24}$/);
  });

  it('delivers over SMTP when SMTP_URL is set, with replies to the token owner', async () => {
    const smtp = await startSmtpServer();
    try {
      process.env.SMTP_URL = `smtp://mailer:s3cret-pass@127.0.0.1:${smtp.port}`;
      process.env.SMTP_FROM = 'Platform <platform@example.com>';
      const response = await send({ to: ['a@example.com', 'b@example.com'], cc: 'c@example.com', subject: 'Export ready', body: 'Records: 3' });
      expect(response.body).toMatchObject({ status: 'sent' });
      expect(smtp.received).toHaveLength(1);
      const mail = smtp.received[0]!;
      expect(mail.from).toContain('platform@example.com');
      expect(mail.to).toHaveLength(3);
      expect(mail.data).toContain('Subject: Export ready');
      expect(mail.data).toContain('Reply-To: exporter@service.example.com');
      expect(mail.data).toContain('Records: 3');
      expect(mail.auth).toMatch(/^AUTH PLAIN /);
      const [row] = await database.db.select().from(emailMessages).where(eq(emailMessages.id, response.body.id as string));
      expect(row!.status).toBe('sent');
      expect(row!.sentAt).not.toBeNull();
    } finally {
      await smtp.close();
    }
  });

  it('records a failed delivery without the credentials', async () => {
    const closed = await startSmtpServer();
    const port = closed.port;
    await closed.close();
    process.env.SMTP_URL = `smtp://mailer:s3cret-pass@127.0.0.1:${port}`;
    const response = await send({ to: 'ops@example.com', subject: 'x', body: 'y' });
    expect(response.status).toBe(202);
    expect(response.body.status).toBe('failed');
    expect(response.body.error).toContain(`Delivery through smtp://127.0.0.1:${port} failed`);
    expect(JSON.stringify(response.body)).not.toContain('s3cret');
    const [row] = await database.db.select().from(emailMessages).where(eq(emailMessages.id, response.body.id as string));
    expect(row!.status).toBe('failed');
    expect(row!.error).not.toContain('s3cret');

    process.env.SMTP_URL = 'http://not-smtp';
    const misconfigured = await send({ to: 'ops@example.com', subject: 'x', body: 'y' });
    expect(misconfigured.body).toMatchObject({ status: 'failed', error: expect.stringContaining('SMTP_URL is not a valid smtp://') });
  });

  it.each([
    ['no recipient', { to: [], subject: 's', body: 'b' }, "'to': needs at least one address"],
    ['a bad address', { to: ['ok@example.com', 'nope'], subject: 's', body: 'b' }, "'to"],
    ['a subject over two lines', { to: 'a@example.com', subject: 'a\r\nBcc: x@example.com', body: 'b' }, "'subject': must be a single line"],
    ['no body', { to: 'a@example.com', subject: 's' }, "'body'"],
    ['an unknown content type', { to: 'a@example.com', subject: 's', body: 'b', contentType: 'text/rtf' }, "'contentType'"],
    ['too many recipients', { to: Array.from({ length: 51 }, (_, i) => `u${i}@example.com`), subject: 's', body: 'b' }, 'at most 50 addresses'],
  ])('refuses %s with a 400 naming the field', async (_label, body, text) => {
    const before = await database.db.$count(emailMessages);
    const response = await send(body);
    expect(response.status).toBe(400);
    expect(message(response)).toContain(text);
    expect(await database.db.$count(emailMessages)).toBe(before);
  });

  it('needs email:emails:send of the token and its owner', async () => {
    const alice = (await insertTestToken(database.db, { scopes: ['email:emails:send'] })).token;
    const response = await send({ to: 'a@example.com', subject: 's', body: 'b' }, alice);
    expect(response.status).toBe(403);
    expect(message(response)).toContain("lacks the permission 'email:emails:send'");
  });
});
