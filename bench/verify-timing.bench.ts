// Whether a refusal tells a known token ID from an unknown one by its time: an unknown ID against
// a known ID with a wrong secret (its checksum valid, as anyone can compute it), both refused
// with the same 401. Warm: both answers come from memory; cold: each is looked up again.
// Medians of alternating batches in the same run. The ratio should stay close to 1 both ways.
// `npm run bench -- verify-timing`, or on its own: `npx tsx bench/verify-timing.bench.ts`.
import { createTestDatabase } from '@/lib/db/testing';
import { PlatformError } from '@/lib/platform/errors';
import { insertTestToken } from '@/lib/platform/testing';
import { withWrongSecret } from '@/lib/testing/tokens';
import { VerificationCache } from '@/lib/platform/verification-cache';
import { Verifier, type VerifyRequest } from '@/lib/platform/verify';
import { generateToken } from '@/lib/tokens/format';
import { compare, runAlone, type Bench, type BenchReport } from './measure';

const SCOPE = 'state:app-states:read';
const WARM_BATCH = 20_000;
const COLD_BATCH = 200;
const verifyTimingBench: Bench = async () => {
  const database = await createTestDatabase();
  try {
    const db = database.db;
    const known = await insertTestToken(db, { owner: 'bob@example.com', scopes: [SCOPE], environmentIds: ['acme-prod'] });
    const unknown = generateToken();
    const cache = new VerificationCache({ ttlMs: 300_000, negativeTtlMs: 300_000 });
    const verifier = new Verifier({ getDb: async () => db, cache });
    const request = (token: string): VerifyRequest => ({
      authorization: `Bearer ${token}`,
      environmentId: 'acme-prod',
      scopes: [SCOPE],
      now: new Date(),
    });
    const wrongSecret = request(withWrongSecret(known.token));
    const unknownId = request(unknown.token);
    // The right secret once, so that the token, its owner and the environment are in memory.
    await verifier.verify(request(known.token));

    const refusedWarm = (r: VerifyRequest) => {
      try {
        verifier.verifyCached(r);
      } catch (error) {
        if (error instanceof PlatformError && error.status === 401) return;
        throw error;
      }
      throw new Error('expected a refusal from memory');
    };
    const refusedCold = async (r: VerifyRequest, publicId: string) => {
      cache.apply([{ kind: 'token', publicId }]);
      try {
        await verifier.verify(r);
      } catch (error) {
        if (error instanceof PlatformError && error.status === 401) return;
        throw error;
      }
      throw new Error('expected a refusal');
    };
    await refusedCold(unknownId, unknown.publicId);

    const warm = await compare(
      async () => {
        for (let i = 0; i < WARM_BATCH; i++) refusedWarm(wrongSecret);
      },
      async () => {
        for (let i = 0; i < WARM_BATCH; i++) refusedWarm(unknownId);
      },
      { repetitions: 31, warmUp: 5 },
    );
    const cold = await compare(
      async () => {
        for (let i = 0; i < COLD_BATCH; i++) await refusedCold(wrongSecret, known.publicId);
      },
      async () => {
        for (let i = 0; i < COLD_BATCH; i++) await refusedCold(unknownId, unknown.publicId);
      },
      { repetitions: 15, warmUp: 3 },
    );

    const µs = (ms: number, batch: number) => `${((ms / batch) * 1000).toFixed(2)} µs`;
    return {
      title: `Refusal timing, unknown token ID against known ID with a wrong secret (${database.kind})`,
      small: 'known ID',
      large: 'unknown ID',
      ratios: [
        { name: 'warm: refused from memory', smallMs: warm.smallMs / WARM_BATCH, largeMs: warm.largeMs / WARM_BATCH },
        { name: 'cold: refused after a lookup', smallMs: cold.smallMs / COLD_BATCH, largeMs: cold.largeMs / COLD_BATCH },
      ],
      notes: [
        `warm: ${µs(warm.smallMs, WARM_BATCH)} known ID, ${µs(warm.largeMs, WARM_BATCH)} unknown ID (median of 31 batches of ${WARM_BATCH})`,
        `cold: ${µs(cold.smallMs, COLD_BATCH)} known ID, ${µs(cold.largeMs, COLD_BATCH)} unknown ID (median of 15 batches of ${COLD_BATCH})`,
      ],
    } satisfies BenchReport;
  } finally {
    await database.close();
  }
};

export default verifyTimingBench;

if (process.argv[1]?.endsWith('verify-timing.bench.ts')) runAlone(verifyTimingBench);
