import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transactWithChanges } from '@/lib/changes';
import { groupMembers, groups, policies, policyBindings, users } from '@/lib/db/schema';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { createTestPlatform, grantTestPolicy, insertTestToken, platformRequest, readResponse } from '../testing';

let database: TestDatabase;
let platform: ReturnType<typeof createTestPlatform>;
let token: string;
const SEARCH = '/davis-copilot/v1/document-search:execute';

beforeAll(async () => {
  database = await createTestDatabase();
  platform = createTestPlatform(database.db);
  token = (
    await insertTestToken(database.db, {
      owner: 'admin@example.com',
      scopes: ['document:documents:read', 'document:documents:write', 'davis-copilot:document-search:execute'],
    })
  ).token;
  const documents = [
    { name: 'Checkout latency', type: 'dashboard', content: { tiles: [{ title: 'p99 latency of checkout requests' }, { title: 'Errors' }] } },
    { name: 'Payments overview', type: 'dashboard', content: { tiles: [{ title: 'Failed payments by provider' }], note: 'checkout flow' } },
    { name: 'Incident review', type: 'notebook', content: 'The checkout service was slow because the latency of the payment provider rose.' },
    { name: 'Team lunch', type: 'notebook', content: 'Pizza on Friday' },
  ];
  for (const body of documents) {
    const response = await call('POST', '/document/v1/documents', body);
    expect(response.status).toBe(201);
  }
  await call('POST', '/document/v1/documents', { name: 'Checkout latency in staging', type: 'dashboard', content: {} }, 'acme-staging');
});
afterAll(async () => {
  platform.unsubscribe();
  await database.close();
});

async function call(method: string, path: string, body?: unknown, environmentId = 'acme-prod', as = token) {
  return readResponse(await platform.handle(platformRequest(environmentId, path, { method, token: as, body })));
}
const names = (r: { body: Record<string, unknown> }) => (r.body.results as { name: string }[]).map((d) => d.name);

describe('document search', () => {
  it('ranks the documents of this environment for words in their name and content', async () => {
    const response = await call('POST', SEARCH, { query: 'checkout latency' });
    expect(response.status).toBe(200);
    // Both words in the name first; both words in the content next; the staging document never.
    expect(names(response)).toEqual(['Checkout latency', 'Incident review']);
    const results = response.body.results as { score: number; snippet: string; type: string }[];
    expect(results[0]!.score).toBeGreaterThan(results[1]!.score);
    expect(results[1]!.snippet).toContain('**checkout**');
  });

  it('understands plain-words syntax: stemming, OR, quoted phrases and exclusions', async () => {
    expect(names(await call('POST', SEARCH, { query: 'payments' }))).toEqual(['Payments overview', 'Incident review']);
    expect(names(await call('POST', SEARCH, { query: 'pizza or provider' })).sort()).toEqual(['Incident review', 'Payments overview', 'Team lunch']);
    expect(names(await call('POST', SEARCH, { query: 'checkout -latency' }))).toEqual(['Payments overview']);
    expect(names(await call('POST', SEARCH, { query: '"payment provider"' }))).toEqual(['Incident review']);
    expect(names(await call('POST', SEARCH, { query: 'the' }))).toEqual([]);
    expect(names(await call('POST', SEARCH, { query: 'checkout', limit: 1 }))).toHaveLength(1);
  });

  it('still searches when a document holds more distinct words than a full-text vector can', async () => {
    // 120,000 distinct words: PostgreSQL's tsvector of all of them is over its 1 MB limit.
    const words = Array.from({ length: 120_000 }, (_, i) => `w${i.toString(36)}x`).join(' ');
    expect((await call('POST', '/document/v1/documents', { name: 'Word list', type: 'notebook', content: { words } }, 'acme-staging')).status).toBe(201);
    const response = await call('POST', SEARCH, { query: 'checkout latency' }, 'acme-staging');
    expect(response.status).toBe(200);
    expect(names(response)).toEqual(['Checkout latency in staging']);
    expect(names(await call('POST', SEARCH, { query: 'w0x' }, 'acme-staging'))).toEqual(['Word list']);
  });

  it('refuses an empty query naming the field', async () => {
    const response = await call('POST', SEARCH, { query: ' ' });
    expect(response.status).toBe(400);
    expect((response.body.error as { message: string }).message).toContain("'query': must not be empty");
  });

  it('needs document:documents:read in the token, as reading the documents directly does', async () => {
    const searchOnly = (
      await insertTestToken(database.db, { owner: 'admin@example.com', scopes: ['document:documents:write', 'davis-copilot:document-search:execute'] })
    ).token;
    const response = await call('POST', SEARCH, { query: 'checkout latency' }, 'acme-prod', searchOnly);
    expect(response.status).toBe(403);
    expect((response.body.error as { message: string }).message).toBe("Missing scope 'document:documents:read': the token was not generated with it.");
  });

  it('needs document:documents:read of the owner', async () => {
    // The exporter's policies grant storage, not documents.
    const exporter = (
      await insertTestToken(database.db, {
        owner: 'exporter@service.example.com',
        creator: 'admin@example.com',
        scopes: ['document:documents:read', 'davis-copilot:document-search:execute'],
      })
    ).token;
    await grantTestPolicy(database.db, 'acme', 'exporter@service.example.com', 'ALLOW davis-copilot:document-search:execute;');
    const response = await call('POST', SEARCH, { query: 'checkout latency' }, 'acme-prod', exporter);
    expect(response.status).toBe(403);
    expect((response.body.error as { message: string }).message).toContain("lacks the permission 'document:documents:read'");
  });

  it('leaves out document types the owner may not read', async () => {
    const [admin] = await database.db.select({ id: users.id }).from(users).where(eq(users.email, 'admin@example.com'));
    await transactWithChanges(database.db, async (tx, publish) => {
      const [group] = await tx.insert(groups).values({ accountId: 'acme', name: 'No notebooks' }).returning();
      const [policy] = await tx
        .insert(policies)
        .values({ accountId: 'acme', name: 'No notebooks', statements: 'DENY document:documents:read WHERE document:document-type = "notebook";' })
        .returning();
      await tx.insert(groupMembers).values({ groupId: group!.id, userId: admin!.id });
      await tx.insert(policyBindings).values({ groupId: group!.id, policyId: policy!.id });
      publish({ kind: 'account', accountId: 'acme' });
    });
    expect(names(await call('POST', SEARCH, { query: 'checkout latency' }))).toEqual(['Checkout latency']);
  });
});
