import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onChanges, type Change } from '@/lib/changes';
import { accounts, auditEvents, platformTokens } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { ForbiddenError, NotFoundError } from '@/lib/errors';
import { demoIdentities, type DemoIdentities } from '@/lib/testing/demo';
import { generatePlatformToken } from './generate';
import { deleteToken, disableToken, enableToken } from './lifecycle';
import { tokenInput } from './test-support';

const NOW = new Date('2026-01-15T10:00:00Z');

describe(`disabling, enabling and deleting tokens (${testBackend})`, () => {
  let database: TestDatabase;
  let demo: DemoIdentities;

  beforeAll(async () => {
    database = await createTestDatabase();
    demo = await demoIdentities(database.db);
  });
  afterAll(() => database.close());

  const alice = () => demo.actor('alice@example.com');
  const bob = () => demo.actor('bob@example.com');
  const admin = () => demo.actor('admin@example.com');
  const rowOf = async (tokenId: string) =>
    (await database.db.select().from(platformTokens).where(eq(platformTokens.publicId, tokenId.slice(7))))[0];
  const eventsOf = async (tokenId: string) =>
    (await database.db.select().from(auditEvents).where(eq(auditEvents.tokenId, tokenId))).map((e) => e.action);

  it('disables and enables a token, with an audit event and a published change each', async () => {
    const { tokenId } = await generatePlatformToken(database.db, alice(), tokenInput({ name: 'Toggle me' }), NOW);
    const seen: Change[] = [];
    const stop = onChanges((changes) => seen.push(...changes));
    expect(await disableToken(database.db, alice(), tokenId)).toEqual({ tokenId, name: 'Toggle me', changed: true });
    expect((await rowOf(tokenId))!.status).toBe('disabled');
    expect(await disableToken(database.db, alice(), tokenId)).toMatchObject({ changed: false });
    expect(await enableToken(database.db, alice(), tokenId)).toMatchObject({ changed: true });
    expect((await rowOf(tokenId))!.status).toBe('active');
    stop();
    expect(seen).toEqual([
      { kind: 'token', publicId: tokenId.slice(7) },
      { kind: 'token', publicId: tokenId.slice(7) },
    ]);
    expect(await eventsOf(tokenId)).toEqual(['token.generated', 'token.disabled', 'token.enabled']);
  });

  it('deletes a token for good, keeping its audit trail', async () => {
    const { tokenId } = await generatePlatformToken(database.db, alice(), tokenInput({ name: 'Delete me' }), NOW);
    await deleteToken(database.db, alice(), tokenId);
    expect(await rowOf(tokenId)).toBeUndefined();
    expect(await eventsOf(tokenId)).toEqual(['token.generated', 'token.deleted']);
    await expect(deleteToken(database.db, alice(), tokenId)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("answers bob's attempts on alice's token as if it did not exist, and changes nothing", async () => {
    const { tokenId } = await generatePlatformToken(database.db, alice(), tokenInput({ name: "Alice's" }), NOW);
    const missing = 'dt0s16.' + 'Z'.repeat(24);
    for (const act of [disableToken, enableToken, deleteToken]) {
      const error = await act(database.db, bob(), tokenId).catch((e: unknown) => e);
      const absent = await act(database.db, bob(), missing).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as Error).message).toBe(`Token ${tokenId} was not found. It may have been deleted.`);
      expect((absent as Error).message).toBe(`Token ${missing} was not found. It may have been deleted.`);
    }
    expect((await rowOf(tokenId))!.status).toBe('active');
    expect(await eventsOf(tokenId)).toEqual(['token.generated']);
  });

  it('lets the account admin and the creator of a service-user token act on it', async () => {
    const ciBot = demo.id('acme/ci-bot@service.example.com');
    const { tokenId } = await generatePlatformToken(
      database.db,
      alice(),
      tokenInput({ name: 'CI', generateFor: 'service-user', serviceUserId: ciBot }),
      NOW,
    );
    await disableToken(database.db, admin(), tokenId);
    await enableToken(database.db, alice(), tokenId);
    const [event] = await database.db.select().from(auditEvents).where(eq(auditEvents.action, 'token.disabled'));
    expect(event).toBeDefined();
    expect((await database.db.select().from(auditEvents).where(eq(auditEvents.tokenId, tokenId))).map((e) => e.actorEmail)).toEqual([
      'alice@example.com',
      'admin@example.com',
      'alice@example.com',
    ]);
  });

  it('still lets users disable and delete their own tokens when token management is off; enabling takes an admin', async () => {
    const first = await generatePlatformToken(database.db, alice(), tokenInput({ name: 'Off 1' }), NOW);
    const second = await generatePlatformToken(database.db, alice(), tokenInput({ name: 'Off 2' }), NOW);
    await database.db.update(accounts).set({ allowTokenManagement: false }).where(eq(accounts.id, 'acme'));
    try {
      await disableToken(database.db, alice(), first.tokenId);
      await expect(enableToken(database.db, alice(), first.tokenId)).rejects.toBeInstanceOf(ForbiddenError);
      expect((await rowOf(first.tokenId))!.status).toBe('disabled');
      await enableToken(database.db, admin(), first.tokenId);
      await deleteToken(database.db, alice(), second.tokenId);
      expect(await rowOf(second.tokenId)).toBeUndefined();
    } finally {
      await database.db.update(accounts).set({ allowTokenManagement: true }).where(eq(accounts.id, 'acme'));
    }
  });
});
