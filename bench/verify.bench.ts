// Bearer verification against its floors, measured in the same run on the same database:
//   warm (token and permissions cached) against one SHA-256 plus one Map lookup — at most 2×;
//   cold (the token not cached) against one primary-key select — at most 1.5×;
//   all cold (nor the owner's policies) against the same select, reported without a limit.
// Runs on a throwaway database of DATABASE_URL's server, or on in-memory PGlite.
// `npm run bench -- verify`, or on its own: `npx tsx bench/verify.bench.ts`.
import { hash } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { platformTokens } from '@/lib/db/schema';
import { createTestDatabase } from '@/lib/db/testing';
import { insertTestToken } from '@/lib/platform/testing';
import { VerificationCache } from '@/lib/platform/verification-cache';
import { requirePermission, Verifier } from '@/lib/platform/verify';
import { compare, runAlone, type Bench, type BenchReport } from './measure';

const SCOPE = 'state:app-states:read';
const WARM_BATCH = 20_000;
const COLD_BATCH = 200;

const verifyBench: Bench = async () => {
  const database = await createTestDatabase();
  try {
    const db = database.db;
    const t = await insertTestToken(db, { owner: 'bob@example.com', scopes: [SCOPE], environmentIds: ['acme-prod'] });
    const cache = new VerificationCache({ ttlMs: 300_000 });
    const verifier = new Verifier({ getDb: async () => db, cache });
    const request = { authorization: `Bearer ${t.token}`, environmentId: 'acme-prod', scopes: [SCOPE], now: new Date() };
    const attributes = { 'state:app-id': 'bench.app' };
    // What the route wrapper does: memory first (synchronously), the database only on a miss;
    // then the owner's permission for the request's attributes.
    const verifyOnce = async () => {
      const verified = verifier.verifyCached(request) ?? (await verifier.verify(request));
      requirePermission(verified, SCOPE, attributes);
    };
    const verifyWarm = () => {
      const verified = verifier.verifyCached(request);
      if (!verified) throw new Error('expected the token in memory');
      requirePermission(verified, SCOPE, attributes);
    };

    // The floor: what any verification must do at least, hash the presented token and find it.
    const floorMap = new Map([[t.publicId, { secretHash: hash('sha256', t.token, 'buffer') }]]);
    let sink = 0;
    const floorOnce = () => {
      const digest = hash('sha256', t.token, 'buffer');
      const entry = floorMap.get(t.token.slice(7, 31));
      if (entry && digest[0] === entry.secretHash[0]) sink++;
    };

    await verifyOnce();
    const warm = await compare(
      async () => {
        for (let i = 0; i < WARM_BATCH; i++) floorOnce();
      },
      async () => {
        for (let i = 0; i < WARM_BATCH; i++) verifyWarm();
      },
      { repetitions: 15, warmUp: 3 },
    );

    const byPrimaryKey = db
      .select()
      .from(platformTokens)
      .where(eq(platformTokens.id, sql.placeholder('id')))
      .prepare('bench_token_by_primary_key');
    const primaryKeySelect = async () => {
      for (let i = 0; i < COLD_BATCH; i++) await byPrimaryKey.execute({ id: t.id });
    };
    // The token is not in memory (first use here, or it changed), its owner's policies are.
    const tokenCold = await compare(
      primaryKeySelect,
      async () => {
        for (let i = 0; i < COLD_BATCH; i++) {
          cache.apply([{ kind: 'token', publicId: t.publicId }]);
          await verifyOnce();
        }
      },
      { repetitions: 15, warmUp: 3 },
    );
    // Nothing in memory: the token and its owner's policies come in the same round trip.
    const allCold = await compare(
      primaryKeySelect,
      async () => {
        for (let i = 0; i < COLD_BATCH; i++) {
          cache.clear();
          await verifyOnce();
        }
      },
      { repetitions: 15, warmUp: 3 },
    );
    if (sink < 0) console.log(sink);

    const perOp = (ms: number, batch: number) => ms / batch;
    return {
      title: `Bearer verification (${database.kind})`,
      small: 'floor',
      large: 'verification',
      ratios: [
        {
          name: 'warm: SHA-256 + Map lookup vs cached verification',
          smallMs: perOp(warm.smallMs, WARM_BATCH),
          largeMs: perOp(warm.largeMs, WARM_BATCH),
          max: 2,
        },
        {
          name: 'cold token: primary-key select vs verification reading the token',
          smallMs: perOp(tokenCold.smallMs, COLD_BATCH),
          largeMs: perOp(tokenCold.largeMs, COLD_BATCH),
          max: 1.5,
        },
        {
          name: 'all cold: primary-key select vs verification reading token and policies',
          smallMs: perOp(allCold.smallMs, COLD_BATCH),
          largeMs: perOp(allCold.largeMs, COLD_BATCH),
        },
      ],
      notes: [
        `warm: ${(perOp(warm.smallMs, WARM_BATCH) * 1000).toFixed(2)} µs floor, ${(perOp(warm.largeMs, WARM_BATCH) * 1000).toFixed(2)} µs verification (${Math.round(1000 / perOp(warm.largeMs, WARM_BATCH)).toLocaleString('en')} per second on one core)`,
        'cold token: one round trip for the token, its environments and the environment’s account',
        'all cold: the same round trip also reads the owner’s policies (shared by all of the owner’s tokens, so rarely needed)',
      ],
    } satisfies BenchReport;
  } finally {
    await database.close();
  }
};

export default verifyBench;

if (process.argv[1]?.endsWith('verify.bench.ts')) runAlone(verifyBench);
