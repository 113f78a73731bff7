import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '@/lib/db/schema';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { createTestPlatform, insertTestToken, platformRequest } from '../testing';
import { listOutbox } from './email-outbox';

let database: TestDatabase;
let platform: ReturnType<typeof createTestPlatform>;

beforeAll(async () => {
  database = await createTestDatabase();
  platform = createTestPlatform(database.db);
});
afterAll(async () => {
  platform.unsubscribe();
  await database.close();
});

async function userId(email: string): Promise<string> {
  const [row] = await database.db.select({ id: users.id }).from(users).where(eq(users.email, email));
  return row!.id;
}

async function send(token: string, subject: string) {
  const response = await platform.handle(
    platformRequest('acme-prod', '/email/v1/emails', { method: 'POST', token, body: { to: 'ops@example.com', subject, body: `<b>${subject}</b>`, contentType: 'text/html' } }),
  );
  expect(response.status).toBe(202);
}

describe('listOutbox', () => {
  it("shows the emails of tokens a person owns or generated, and nobody else's", async () => {
    // The admin owns one token and generated one for the exporter service user.
    const own = await insertTestToken(database.db, { owner: 'admin@example.com', scopes: ['email:emails:send'] });
    const exporter = await insertTestToken(database.db, { owner: 'exporter@service.example.com', creator: 'admin@example.com', scopes: ['email:emails:send'] });
    await send(own.token, 'From the admin');
    await send(exporter.token, 'From the exporter');

    const admin = await listOutbox(database.db, await userId('admin@example.com'), 1);
    expect(admin.emails.map((e) => e.subject).sort()).toEqual(['From the admin', 'From the exporter']);
    const fromExporter = admin.emails.find((e) => e.subject === 'From the exporter')!;
    expect(fromExporter).toMatchObject({
      sentAs: 'exporter@service.example.com',
      tokenId: exporter.tokenId,
      status: 'stored',
      body: '<b>From the exporter</b>',
      environment: { id: 'acme-prod', name: 'Production', accountName: 'Acme Corp' },
    });
    expect(admin.hasNextPage).toBe(false);

    expect((await listOutbox(database.db, await userId('alice@example.com'), 1)).emails).toEqual([]);
    expect((await listOutbox(database.db, await userId('bob@example.com'), 1)).emails).toEqual([]);
  });
});
