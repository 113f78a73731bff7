import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/users';
import { accounts } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { NotFoundError } from '@/lib/errors';
import { actorByEmail } from '@/lib/testing/demo';
import { insertTestTokens, type TestToken } from '@/lib/testing/tokens';
import { parseAdminTokenListParams, type AdminTokenListQuery } from '@/lib/validations/admin-tokens';
import { countAccountTokens, listAccountTokens, previewTokenSelection } from './admin-queries';
import { tokenRowFromAdmin } from './token-row';

const NOW = new Date('2026-03-01T12:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);
const query = (overrides: Partial<AdminTokenListQuery> = {}): AdminTokenListQuery => ({
  ...parseAdminTokenListParams({}),
  ...overrides,
});

describe(`admin token list on ${testBackend}`, () => {
  let database: TestDatabase;
  let admin: Actor;
  let tokens: TestToken[];

  beforeAll(async () => {
    database = await createTestDatabase();
    admin = await actorByEmail(database.db, 'admin@example.com');
    tokens = await insertTestTokens(database.db, [
      { name: 'Nightly export', owner: 'alice@example.com', createdAt: daysAgo(1), lastUsedAt: daysAgo(0.5), environmentIds: ['acme-prod', 'acme-staging'] },
      { name: 'ci deploy', owner: 'ci-bot@service.example.com', creator: 'alice@example.com', createdAt: daysAgo(2), expiresAt: daysAgo(-30) },
      { name: 'Old ingest', owner: 'bob@example.com', createdAt: daysAgo(3), expiresAt: daysAgo(1) },
      { name: 'Paused 100%_done', owner: 'bob@example.com', createdAt: daysAgo(4), status: 'disabled', lastUsedAt: daysAgo(2) },
      { name: 'admin sync', owner: 'admin@example.com', createdAt: daysAgo(5) },
      { name: 'Globex docs', owner: 'alice@example.com', accountId: 'globex', createdAt: daysAgo(1) },
    ]);
  });
  afterAll(() => database.close());

  const names = async (q: Partial<AdminTokenListQuery>) =>
    (await listAccountTokens(database.db, admin, 'acme', query(q), NOW)).rows.map((r) => r.name);

  it('lists every token of the account, newest first, with owner, creator and reach', async () => {
    const page = await listAccountTokens(database.db, admin, 'acme', query(), NOW);
    expect(page.rows.map((r) => r.name)).toEqual(['Nightly export', 'ci deploy', 'Old ingest', 'Paused 100%_done', 'admin sync']);
    expect(page.hasNextPage).toBe(false);
    const [nightly, ci, old, paused] = page.rows;
    expect(nightly).toMatchObject({
      tokenId: tokens[0]!.tokenId,
      state: 'Active',
      accountName: 'Acme Corp',
      appliesToAccount: false,
      environments: ['Production', 'Staging'],
      ownerEmail: 'alice@example.com',
      ownerIsServiceUser: false,
      createdByEmail: 'alice@example.com',
    });
    expect(ci).toMatchObject({ ownerEmail: 'ci-bot@service.example.com', ownerIsServiceUser: true, createdByEmail: 'alice@example.com', environments: [] });
    expect(old?.state).toBe('Expired');
    expect(paused?.state).toBe('Disabled');
    // Nothing about a secret leaves the query.
    expect(JSON.stringify(page)).not.toContain(tokens[0]!.token.slice(31));
  });

  it("gives every row the account's maximum lifetime, for the Rotate dialog's choices", async () => {
    const maxima = async () => (await listAccountTokens(database.db, admin, 'acme', query(), NOW)).rows.map((r) => tokenRowFromAdmin(r, []).accountMaxLifetimeDays);
    await database.db.update(accounts).set({ maxTokenLifetimeDays: 30 }).where(eq(accounts.id, 'acme'));
    try {
      expect(await maxima()).toEqual([30, 30, 30, 30, 30]);
    } finally {
      await database.db.update(accounts).set({ maxTokenLifetimeDays: null }).where(eq(accounts.id, 'acme'));
    }
    expect(await maxima()).toEqual([null, null, null, null, null]);
  });

  it('searches by name, token ID, owner and creator, case-insensitively', async () => {
    expect(await names({ q: 'NIGHTLY' })).toEqual(['Nightly export']);
    expect(await names({ q: tokens[2]!.tokenId })).toEqual(['Old ingest']);
    expect(await names({ q: tokens[2]!.publicId.slice(3, 12).toLowerCase() })).toEqual(['Old ingest']);
    expect(await names({ q: 'bob@' })).toEqual(['Old ingest', 'Paused 100%_done']);
    expect(await names({ q: 'ci-bot' })).toEqual(['ci deploy']);
    // alice owns one token and created another (for the CI bot).
    expect(await names({ q: 'alice' })).toEqual(['Nightly export', 'ci deploy']);
    expect(await names({ q: 'nobody-matches' })).toEqual([]);
  });

  it('treats % and _ in a search as plain characters', async () => {
    expect(await names({ q: '100%_' })).toEqual(['Paused 100%_done']);
    expect(await names({ q: '%' })).toEqual(['Paused 100%_done']);
    expect(await names({ q: '_' })).toEqual(['Paused 100%_done']);
  });

  it('finds a pasted whole token by its ID and keeps the secret out of the URL state', async () => {
    const parsed = parseAdminTokenListParams({ q: tokens[0]!.token });
    expect(parsed.q).toBe(tokens[0]!.tokenId);
    expect(await names({ q: parsed.q })).toEqual(['Nightly export']);
  });

  it('filters by the status users see', async () => {
    expect(await names({ status: 'active' })).toEqual(['Nightly export', 'ci deploy', 'admin sync']);
    expect(await names({ status: 'disabled' })).toEqual(['Paused 100%_done']);
    expect(await names({ status: 'expired' })).toEqual(['Old ingest']);
    expect(await names({ status: 'active', q: 'bob' })).toEqual([]);
  });

  it('sorts on the server by each sortable column, both ways', async () => {
    expect(await names({ sort: 'name', dir: 'asc' })).toEqual(['admin sync', 'ci deploy', 'Nightly export', 'Old ingest', 'Paused 100%_done']);
    expect(await names({ sort: 'name', dir: 'desc' })).toEqual(['Paused 100%_done', 'Old ingest', 'Nightly export', 'ci deploy', 'admin sync']);
    expect(await names({ sort: 'created', dir: 'asc' })).toEqual(['admin sync', 'Paused 100%_done', 'Old ingest', 'ci deploy', 'Nightly export']);
    expect((await names({ sort: 'expires', dir: 'asc' })).slice(0, 2)).toEqual(['Old ingest', 'ci deploy']);
    expect((await names({ sort: 'expires', dir: 'desc' })).slice(3)).toEqual(['ci deploy', 'Old ingest']);
    expect((await names({ sort: 'lastUsed', dir: 'desc' })).slice(0, 2)).toEqual(['Nightly export', 'Paused 100%_done']);
    expect((await names({ sort: 'lastUsed', dir: 'asc' })).slice(3)).toEqual(['Paused 100%_done', 'Nightly export']);
    const byId = [...tokens.slice(0, 5)].sort((a, b) => (a.publicId < b.publicId ? -1 : 1)).map((t) => t.name);
    expect(await names({ sort: 'tokenId', dir: 'asc' })).toEqual(byId);
  });

  it('pages through the list', async () => {
    const many = await insertTestTokens(
      database.db,
      Array.from({ length: 60 }, (_, i) => ({ name: `paging-${String(i).padStart(2, '0')}`, owner: 'bob@example.com', createdAt: daysAgo(10 + i) })),
    );
    const first = await listAccountTokens(database.db, admin, 'acme', query({ q: 'paging-', size: 25 }), NOW);
    const third = await listAccountTokens(database.db, admin, 'acme', query({ q: 'paging-', size: 25, page: 3 }), NOW);
    expect(first.rows).toHaveLength(25);
    expect(first.hasNextPage).toBe(true);
    expect(first.rows[0]?.name).toBe('paging-00');
    expect(third.rows.map((r) => r.name)).toEqual(many.slice(50).map((t) => t.name));
    expect(third.hasNextPage).toBe(false);
    expect(await countAccountTokens(database.db, admin, 'acme', { q: 'paging-', status: 'all' }, NOW)).toEqual({ count: 60, capped: false });
    expect(await countAccountTokens(database.db, admin, 'acme', { q: 'paging-', status: 'all' }, NOW, 50)).toEqual({ count: 50, capped: true });
    const preview = await previewTokenSelection(database.db, admin, 'acme', { q: 'paging-', status: 'active' }, NOW);
    expect(preview).toEqual({ count: 60, tokenIds: many.slice(0, 5).map((t) => t.tokenId) });
  });

  it('answers members and admins of other accounts as if the account did not exist', async () => {
    for (const email of ['alice@example.com', 'bob@example.com']) {
      const member = await actorByEmail(database.db, email);
      await expect(listAccountTokens(database.db, member, 'acme', query(), NOW)).rejects.toBeInstanceOf(NotFoundError);
      await expect(countAccountTokens(database.db, member, 'acme', { q: '', status: 'all' }, NOW)).rejects.toBeInstanceOf(NotFoundError);
      await expect(previewTokenSelection(database.db, member, 'acme', { q: '', status: 'all' }, NOW)).rejects.toBeInstanceOf(NotFoundError);
    }
    await expect(listAccountTokens(database.db, admin, 'no-such-account', query(), NOW)).rejects.toBeInstanceOf(NotFoundError);
  });
});
