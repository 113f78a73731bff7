import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/users';
import type { Db } from '@/lib/db';
import { auditEvents, platformTokenEnvironments, platformTokens } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { NotFoundError } from '@/lib/errors';
import { publishedDuring } from '@/lib/testing/changes';
import { actorByEmail } from '@/lib/testing/demo';
import { insertTestTokens } from '@/lib/testing/tokens';
import { adminSnapshot } from './admin-testing';
import { bulkTokenAction } from './bulk';

const NOW = new Date('2026-03-01T12:00:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

describe(`bulk token actions on ${testBackend}`, () => {
  let database: TestDatabase;
  let admin: Actor;

  beforeAll(async () => {
    database = await createTestDatabase();
    admin = await actorByEmail(database.db, 'admin@example.com');
  });
  afterAll(() => database.close());

  const statusOf = async (publicIds: string[]) =>
    (
      await database.db
        .select({ status: platformTokens.status })
        .from(platformTokens)
        .where(inArray(platformTokens.publicId, publicIds))
    ).map((r) => r.status);

  const lastEvent = async () =>
    (await database.db.select().from(auditEvents).orderBy(desc(auditEvents.id)).limit(1))[0]!;

  it('disables the selected tokens in one audited change and reports what changed', async () => {
    const tokens = await insertTestTokens(database.db, [
      { name: 'sel-a', owner: 'alice@example.com', createdAt: minutesAgo(3) },
      { name: 'sel-b', owner: 'bob@example.com', createdAt: minutesAgo(2) },
      { name: 'sel-c', owner: 'bob@example.com', createdAt: minutesAgo(1), status: 'disabled' },
    ]);
    let result;
    const changes = await publishedDuring(async () => {
      result = await bulkTokenAction(database.db, admin, 'acme', 'disable', { kind: 'ids', tokenIds: tokens.map((t) => t.tokenId) }, NOW);
    });
    expect(result).toEqual({ action: 'disable', changed: 2, tokenIds: [tokens[1]!.tokenId, tokens[0]!.tokenId] });
    expect(await statusOf(tokens.map((t) => t.publicId))).toEqual(['disabled', 'disabled', 'disabled']);
    expect(changes).toEqual(
      expect.arrayContaining([
        { kind: 'token', publicId: tokens[0]!.publicId },
        { kind: 'token', publicId: tokens[1]!.publicId },
      ]),
    );
    const event = await lastEvent();
    expect(event).toMatchObject({
      accountId: 'acme',
      actorEmail: 'admin@example.com',
      action: 'tokens.bulk_disabled',
      tokenId: null,
      targetName: '2 tokens',
      details: { count: 2, tokenIds: [tokens[1]!.tokenId, tokens[0]!.tokenId] },
    });
    for (const t of tokens) expect(JSON.stringify(event)).not.toContain(t.token.slice(31));

    const again = await bulkTokenAction(database.db, admin, 'acme', 'enable', { kind: 'ids', tokenIds: [tokens[2]!.tokenId] }, NOW);
    expect(again).toEqual({ action: 'enable', changed: 1, tokenIds: [tokens[2]!.tokenId] });
    expect((await lastEvent()).action).toBe('tokens.bulk_enabled');
  });

  it('changes nothing and records nothing when nothing needs to change', async () => {
    const [token] = await insertTestTokens(database.db, [{ name: 'noop', owner: 'bob@example.com', createdAt: NOW }]);
    const before = await adminSnapshot(database.db);
    const result = await bulkTokenAction(database.db, admin, 'acme', 'enable', { kind: 'ids', tokenIds: [token!.tokenId] }, NOW);
    expect(result.changed).toBe(0);
    expect(await adminSnapshot(database.db)).toEqual(before);
  });

  it('deletes tokens with their environments, and ignores token IDs of other accounts', async () => {
    const [acmeToken] = await insertTestTokens(database.db, [
      { name: 'del-acme', owner: 'alice@example.com', createdAt: NOW, environmentIds: ['acme-prod'] },
    ]);
    const [globexToken] = await insertTestTokens(database.db, [
      { name: 'del-globex', owner: 'alice@example.com', accountId: 'globex', createdAt: NOW },
    ]);
    const result = await bulkTokenAction(
      database.db,
      admin,
      'acme',
      'delete',
      { kind: 'ids', tokenIds: [acmeToken!.tokenId, globexToken!.tokenId] },
      NOW,
    );
    expect(result).toEqual({ action: 'delete', changed: 1, tokenIds: [acmeToken!.tokenId] });
    expect(await statusOf([acmeToken!.publicId, globexToken!.publicId])).toEqual(['active']);
    const environments = await database.db.select().from(platformTokenEnvironments).where(eq(platformTokenEnvironments.tokenId, acmeToken!.id));
    expect(environments).toEqual([]);
    expect(await lastEvent()).toMatchObject({ action: 'tokens.bulk_deleted', details: { count: 1, tokenIds: [acmeToken!.tokenId] } });
  });

  it('acts on a filter on the server: exactly the tokens the list shows for it', async () => {
    const matching = await insertTestTokens(
      database.db,
      Array.from({ length: 120 }, (_, i) => ({ name: `filter-run ${i}`, owner: 'bob@example.com', createdAt: minutesAgo(i) })),
    );
    const [other] = await insertTestTokens(database.db, [{ name: 'filter-other', owner: 'bob@example.com', createdAt: NOW }]);
    const [globex] = await insertTestTokens(database.db, [
      { name: 'filter-run globex', owner: 'alice@example.com', accountId: 'globex', createdAt: NOW },
    ]);
    let result;
    const changes = await publishedDuring(async () => {
      result = await bulkTokenAction(database.db, admin, 'acme', 'disable', { kind: 'filter', filter: { q: 'filter-run', status: 'active' } }, NOW);
    });
    expect(result).toMatchObject({ changed: 120 });
    // Large sets are announced as one change of the account, not 120 messages.
    expect(changes).toEqual([{ kind: 'account', accountId: 'acme' }]);
    const disabled = await database.db
      .select({ publicId: platformTokens.publicId })
      .from(platformTokens)
      .where(and(eq(platformTokens.status, 'disabled'), inArray(platformTokens.publicId, matching.map((t) => t.publicId))));
    expect(disabled).toHaveLength(120);
    expect(await statusOf([other!.publicId, globex!.publicId])).toEqual(['active', 'active']);
    expect(await lastEvent()).toMatchObject({
      action: 'tokens.bulk_disabled',
      details: { count: 120, filter: { q: 'filter-run', status: 'active' } },
    });
  });

  it('refuses members and changes nothing, whatever they select', async () => {
    const [token] = await insertTestTokens(database.db, [{ name: 'guarded', owner: 'alice@example.com', createdAt: NOW }]);
    for (const email of ['alice@example.com', 'bob@example.com']) {
      const member = await actorByEmail(database.db, email);
      for (const action of ['disable', 'enable', 'delete'] as const) {
        const before = await adminSnapshot(database.db);
        await expect(
          bulkTokenAction(database.db, member, 'acme', action, { kind: 'ids', tokenIds: [token!.tokenId] }, NOW),
        ).rejects.toBeInstanceOf(NotFoundError);
        await expect(
          bulkTokenAction(database.db, member, 'acme', action, { kind: 'filter', filter: { q: '', status: 'all' } }, NOW),
        ).rejects.toBeInstanceOf(NotFoundError);
        expect(await adminSnapshot(database.db)).toEqual(before);
      }
    }
    // An admin of one account is nobody in another.
    const before = await adminSnapshot(database.db);
    await expect(
      bulkTokenAction(database.db, admin, 'no-such-account', 'delete', { kind: 'filter', filter: { q: '', status: 'all' } }, NOW),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await adminSnapshot(database.db)).toEqual(before);
  });

  it('changes a status in place: each row is rewritten on its own page and no index gets an entry (HOT)', async () => {
    // A status in no index, and room left on each page (fillfactor), keep disabling 100,000
    // tokens at once within the statement timeout; otherwise each row adds an entry to each of
    // the table's fourteen indexes.
    const tokens = await insertTestTokens(
      database.db,
      Array.from({ length: 12 }, (_, i) => ({ name: `in-place-${i}`, owner: 'bob@example.com', createdAt: minutesAgo(30 + i) })),
    );
    const chosen = [tokens[0]!, tokens[5]!, tokens[11]!];
    const counts = await database.db.transaction(async (tx) => {
      // This connection's statistics not yet reported, this transaction's included: read before
      // and after the change, in the transaction, the difference is the change's own.
      const read = async () =>
        (
          (await tx.execute(sql`
            select n_tup_upd::int as updated, n_tup_hot_upd::int as hot
            from pg_stat_xact_user_tables where relid = 'platform_tokens'::regclass`)) as unknown as { rows: { updated: number; hot: number }[] }
        ).rows[0]!;
      const before = await read();
      const { changed } = await bulkTokenAction(tx as unknown as Db, admin, 'acme', 'disable', { kind: 'ids', tokenIds: chosen.map((t) => t.tokenId) }, NOW);
      const after = await read();
      return { changed, updated: after.updated - before.updated, hot: after.hot - before.hot };
    });
    expect(counts).toEqual({ changed: 3, updated: 3, hot: 3 });
    expect(await statusOf(chosen.map((t) => t.publicId))).toEqual(['disabled', 'disabled', 'disabled']);
  });

  it('does not count a token twice when two admins disable it at once', async () => {
    const tokens = await insertTestTokens(
      database.db,
      Array.from({ length: 20 }, (_, i) => ({ name: `race-${i}`, owner: 'bob@example.com', createdAt: minutesAgo(i) })),
    );
    const selection = { kind: 'ids' as const, tokenIds: tokens.map((t) => t.tokenId) };
    const results = await Promise.all([
      bulkTokenAction(database.db, admin, 'acme', 'disable', selection, NOW),
      bulkTokenAction(database.db, admin, 'acme', 'disable', selection, NOW),
    ]);
    expect(results.map((r) => r.changed).reduce((a, b) => a + b)).toBe(20);
  });
});
