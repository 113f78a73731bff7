// What the embedded database's worker thread costs a statement: the app's PGlite (a worker
// thread, lib/db/pglite-worker-client.ts) against PGlite in the calling thread, both in memory
// with the migrations and demo data, through drizzle:
//   a primary-key select — at most 1.5×;
//   a transaction of a select and an update — at most 1.5×.
// `npm run bench -- embedded`, or on its own: `npx tsx bench/embedded-db.bench.ts`.
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { migrateDatabase, openDatabase, type Database, type Db } from '@/lib/db/client';
import { accounts } from '@/lib/db/schema';
import { seedDemoData } from '@/lib/db/seed';
import { compare, runAlone, type Bench, type BenchReport } from './measure';

const BATCH = 200;

async function prepared(database: Database): Promise<Database> {
  await migrateDatabase(database);
  await seedDemoData(database.db);
  return database;
}

const embeddedDbBench: Bench = async () => {
  const client = await PGlite.create({ extensions: { pg_trgm } });
  const inThread = await prepared({ kind: 'pglite', db: drizzle(client) as unknown as Db, pool: null, close: () => client.close() });
  const worker = await prepared(await openDatabase({ kind: 'pglite', dataDir: null }));
  try {
    const select = (db: Db) => async () => {
      for (let i = 0; i < BATCH; i++) await db.select().from(accounts).where(eq(accounts.id, 'acme'));
    };
    const transaction = (db: Db) => async () => {
      for (let i = 0; i < BATCH; i++) {
        await db.transaction(async (tx) => {
          const [row] = await tx.select().from(accounts).where(eq(accounts.id, 'acme'));
          await tx.update(accounts).set({ name: row!.name }).where(eq(accounts.id, 'acme'));
        });
      }
    };
    const perStatement = (t: { smallMs: number; largeMs: number }, statements: number) => ({
      smallMs: t.smallMs / (BATCH * statements),
      largeMs: t.largeMs / (BATCH * statements),
    });
    const selects = perStatement(await compare(select(inThread.db), select(worker.db), { repetitions: 15, warmUp: 3 }), 1);
    // BEGIN, select, update, COMMIT.
    const transactions = perStatement(await compare(transaction(inThread.db), transaction(worker.db), { repetitions: 15, warmUp: 3 }), 4);
    const report: BenchReport = {
      title: 'Embedded database: statements through the worker thread',
      small: 'calling thread',
      large: 'worker thread',
      ratios: [
        { name: 'primary-key select, per statement', ...selects, max: 1.5 },
        { name: 'select + update transaction, per statement', ...transactions, max: 1.5 },
      ],
      notes: [],
      figures: [{ name: 'added per statement (primary-key select)', value: `${((selects.largeMs - selects.smallMs) * 1000).toFixed(0)} µs` }],
    };
    return report;
  } finally {
    await inThread.close();
    await worker.close();
  }
};

export default embeddedDbBench;

if (process.argv[1]?.endsWith('embedded-db.bench.ts')) runAlone(embeddedDbBench);
