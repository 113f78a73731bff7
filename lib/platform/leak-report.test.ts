import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onChanges, type Change } from '@/lib/changes';
import type { Db } from '@/lib/db';
import { auditEvents, emailMessages, platformTokens } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import type { Delivery } from '@/lib/people/portal-email';
import { MemoryFailureStore } from '@/lib/rate-limit';
import { withWrongSecret } from '@/lib/testing/tokens';
import { ACCEPTED_BODY, createLeakReportHandler, LEAK_REPORT_LIMIT } from './leak-report';
import { createTestPlatform, insertTestToken, platformRequest, readResponse, type TestToken } from './testing';

const ORIGIN = 'https://tokens.example.com';

describe(`POST /api/v1/credentials/revoke (${testBackend})`, () => {
  let database: TestDatabase;
  let dbAsked = 0;
  let ip = 0;
  const deliveries: Delivery[] = [];
  let handler: (request: Request) => Promise<Response>;

  beforeAll(async () => {
    database = await createTestDatabase();
    handler = createLeakReportHandler({
      getDb: async (): Promise<Db> => {
        dbAsked++;
        return database.db;
      },
      store: new MemoryFailureStore(),
      clientIp: (request) => request.headers.get('x-test-client-ip'),
      origin: () => ORIGIN,
      deliverLater: (delivery) => deliveries.push(delivery),
    });
  });
  afterAll(() => database.close());

  /** A report from a client address of its own unless one is given, so the limit stays out of the way. */
  const report = async (body: unknown, client = `198.51.100.${++ip}`) =>
    readResponse(
      await handler(
        new Request('http://localhost/api/v1/credentials/revoke', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-test-client-ip': client },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        }),
      ),
    );
  const statusOf = async (token: TestToken) =>
    (await database.db.select({ status: platformTokens.status }).from(platformTokens).where(eq(platformTokens.id, token.id)))[0]?.status;

  it('costs no database work for strings that fail the format or checksum, and answers the same 202', async () => {
    const valid = await insertTestToken(database.db, { owner: 'bob@example.com' });
    const badChecksum = `${valid.token.slice(0, -1)}${valid.token.endsWith('A') ? 'B' : 'A'}`;
    dbAsked = 0;
    const answer = await report({ credentials: [badChecksum, 'garbage', 'ghp_0123456789abcdefghijABCDEFGHIJ012345', valid.tokenId, '', 'dt0s16.SHORT.SHORT'] });
    expect(answer).toMatchObject({ status: 202, body: ACCEPTED_BODY });
    expect(dbAsked).toBe(0);
    expect(await statusOf(valid)).toBe('active');
  });

  it('disables the valid ones only, audited, emailed to owner and creator, announced to every instance, with the same answer', async () => {
    const alices = await insertTestToken(database.db, { owner: 'alice@example.com', scopes: ['document:documents:read'], environmentIds: ['acme-prod'] });
    const ciBot = await insertTestToken(database.db, { owner: 'ci-bot@service.example.com', creator: 'alice@example.com', name: 'CI deploy' });
    const disabled = await insertTestToken(database.db, { owner: 'bob@example.com', status: 'disabled' });
    const deleted = await insertTestToken(database.db, { owner: 'bob@example.com' });
    await database.db.delete(platformTokens).where(eq(platformTokens.id, deleted.id));
    const guessed = await insertTestToken(database.db, { owner: 'bob@example.com' });

    // Another instance that has alice's token in memory.
    const platform = createTestPlatform(database.db);
    const call = () => platform.handle(platformRequest('acme-prod', '/document/v1/documents', { token: alices.token }));
    expect((await call()).status).toBe(200);

    const seen: Change[] = [];
    const stop = onChanges((changes) => seen.push(...changes));
    const auditBefore = await database.db.select({ id: auditEvents.id }).from(auditEvents);
    let answer;
    try {
      answer = await report({
        credentials: [alices.token, alices.token, ciBot.token, disabled.token, deleted.token, withWrongSecret(guessed.token), 'garbage', guessed.tokenId],
      });
    } finally {
      stop();
    }
    expect(answer).toMatchObject({ status: 202, body: ACCEPTED_BODY });

    expect(await statusOf(alices)).toBe('disabled');
    expect(await statusOf(ciBot)).toBe('disabled');
    expect(await statusOf(disabled)).toBe('disabled');
    expect(await statusOf(guessed)).toBe('active');
    expect(seen).toEqual(expect.arrayContaining([
      { kind: 'token', publicId: alices.publicId },
      { kind: 'token', publicId: ciBot.publicId },
    ]));
    const call2 = await readResponse(await call());
    expect(call2.status).toBe(401);
    platform.unsubscribe();

    const events = (await database.db.select().from(auditEvents)).filter((e) => !auditBefore.some((b) => b.id === e.id));
    expect(events.map((e) => [e.action, e.tokenId, e.actorEmail]).sort()).toEqual(
      [
        ['token.reported_leaked', alices.tokenId, 'Leaked credentials report'],
        ['token.reported_leaked', ciBot.tokenId, 'Leaked credentials report'],
      ].sort(),
    );
    expect(JSON.stringify(events)).not.toContain(alices.token);

    const mails = await database.db
      .select()
      .from(emailMessages)
      .where(and(inArray(emailMessages.subject, [`Platform token "${alices.name}" was reported as leaked and is disabled`, 'Platform token "CI deploy" was reported as leaked and is disabled'])));
    expect(mails.map((m) => m.to[0]).sort()).toEqual(['alice@example.com', 'alice@example.com', 'ci-bot@service.example.com']);
    for (const mail of mails) {
      expect(mail.body).toContain(`${ORIGIN}/platform-tokens/`);
      expect(mail.body).not.toContain(alices.token.slice(38));
      expect(mail.body).not.toContain(ciBot.token.slice(38));
    }
    expect(mails.find((m) => m.to[0] === 'ci-bot@service.example.com')?.body).toContain(`${ORIGIN}/platform-tokens/${ciBot.tokenId}`);

    // Reporting them again changes nothing and sends nothing more, with the same answer.
    const again = await report({ credentials: [alices.token, ciBot.token] });
    expect(again).toMatchObject({ status: 202, body: ACCEPTED_BODY });
    expect((await database.db.select().from(auditEvents)).length).toBe(auditBefore.length + 2);
  });

  it('refuses a body that is not a list of tokens with 400 naming the field, and changes nothing', async () => {
    const token = await insertTestToken(database.db, { owner: 'bob@example.com' });
    const cases: [unknown, string][] = [
      [{ credentials: token.token }, "Invalid request body field 'credentials': expected an array of tokens"],
      [{}, "Invalid request body field 'credentials': expected an array of tokens"],
      [{ credentials: [] }, "Invalid request body field 'credentials': list at least one token"],
      [{ credentials: [token.token, 42] }, "Invalid request body field 'credentials': each item must be a string"],
      [{ credentials: ['x'.repeat(201)] }, "Invalid request body field 'credentials': an item is longer than a token (200 characters at most)"],
      [{ credentials: Array.from({ length: 101 }, () => token.token) }, "Invalid request body field 'credentials': at most 100 tokens per request"],
      ['{"credentials": [', 'Invalid request body: not valid JSON'],
      [[token.token], "Invalid request body field 'credentials': expected an array of tokens"],
    ];
    for (const [body, message] of cases) {
      const answer = await report(body);
      expect(answer.status).toBe(400);
      expect((answer.body.error as { message: string }).message).toContain(message);
    }
    expect(await statusOf(token)).toBe('active');
  });

  it('limits reports per client, whatever they hold: past the limit 429 with Retry-After, and nothing is done', async () => {
    const client = '203.0.113.77';
    for (let i = 0; i < LEAK_REPORT_LIMIT.limit; i++) expect((await report({ credentials: ['garbage'] }, client)).status).toBe(202);
    const token = await insertTestToken(database.db, { owner: 'bob@example.com' });
    const refused = await report({ credentials: [token.token] }, client);
    expect(refused.status).toBe(429);
    expect((refused.body.error as { message: string }).message).toMatch(/^Too many reports from this client\. Try again in \d+ seconds?\.$/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await statusOf(token)).toBe('active');
    // Another client is not held up.
    expect((await report({ credentials: [token.token] })).status).toBe(202);
    expect(await statusOf(token)).toBe('disabled');
  });
});
