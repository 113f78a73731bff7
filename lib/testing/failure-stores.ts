import type { Db } from '@/lib/db';
import { TableFailureStore } from '@/lib/failure-counts';
import { MemoryFailureStore, type FailureStore } from '@/lib/rate-limit';

/**
 * The two places where limits keep their counts, for a test to run against each: a store of its
 * own in memory, or the shared table of `db()`, emptied first. Each call starts from no counts.
 */
export function freshFailureStores(db: () => Db): [string, () => Promise<FailureStore>][] {
  return [
    ['in memory', async () => new MemoryFailureStore()],
    [
      'in the shared table',
      async () => {
        await db().execute('delete from failure_counts');
        return new TableFailureStore(async () => db());
      },
    ],
  ];
}
