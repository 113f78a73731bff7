import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts } from '@/lib/db/schema';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { onChanges, transactWithChanges, type Change } from './changes';

describe('transactWithChanges', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  it('applies published changes locally after commit, and not after a rollback', async () => {
    const seen: Change[][] = [];
    const stop = onChanges((c) => seen.push([...c]));
    await transactWithChanges(database.db, async (tx, publish) => {
      await tx.update(accounts).set({ name: 'Acme Corp' });
      publish({ kind: 'token', publicId: 'A'.repeat(24) });
      publish({ kind: 'token', publicId: 'A'.repeat(24) });
      publish({ kind: 'account', accountId: 'acme' });
      expect(seen).toHaveLength(0);
    });
    expect(seen).toEqual([[{ kind: 'account', accountId: 'acme' }, { kind: 'token', publicId: 'A'.repeat(24) }]]);
    await expect(
      transactWithChanges(database.db, async (_tx, publish) => {
        publish({ kind: 'account', accountId: 'globex' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(seen).toHaveLength(1);
    stop();
  });
});
