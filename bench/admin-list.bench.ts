// The admin token list at 1,000 and at 100,000 tokens (BENCH_ADMIN_LIST_TOKENS=1000000 for a
// million): the first page, sorted and filtered, must cost at most twice as much at the large
// size; disabling 10,000 selected tokens, and every active token of a search by filter, is one
// statement each. Runs on a throwaway database of DATABASE_URL's server, or on in-memory PGlite.
import { createHash } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import type { Db } from '@/lib/db';
import * as schema from '@/lib/db/schema';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { countAccountTokens, listAccountTokens } from '@/lib/tokens/admin-queries';
import { actorByEmail } from '@/lib/testing/demo';
import { bulkTokenAction } from '@/lib/tokens/bulk';
import { formatTokenId } from '@/lib/tokens/format';
import { parseAdminTokenListParams, type AdminTokenListQuery } from '@/lib/validations/admin-tokens';
import { addScaleTokens, createScaleAccount, scaleAdminEmail, scaleUserEmail } from '@/scripts/scale-data';
import { compare, type Bench, type Ratio } from './measure';

const ACCOUNT = 'bench';
const SMALL = { tokens: 1_000, users: 100 };
/**
 * The large size: 100,000 tokens unless BENCH_ADMIN_LIST_TOKENS says otherwise; ten tokens per
 * user, and at most 50,000 users (scale users are numbered with five digits).
 */
function largeSize(): { tokens: number; users: number } {
  const raw = process.env.BENCH_ADMIN_LIST_TOKENS;
  const tokens = raw ? Number(raw) : 100_000;
  if (!Number.isInteger(tokens) || tokens < 10_000 || tokens > 10_000_000) {
    throw new Error('BENCH_ADMIN_LIST_TOKENS must be a whole number of tokens from 10000 to 10000000');
  }
  return { tokens, users: Math.min(50_000, Math.max(100, Math.round(tokens / 10))) };
}
const LARGE = largeSize();
const BULK_SELECTED = 10_000;

/** The public part of scale token number i (see scripts/scale-data.ts). */
const publicIdOf = (i: number) => createHash('md5').update(`${ACCOUNT}-token-${i}`).digest('hex').slice(0, 24).toUpperCase();

const SCENARIOS: { name: string; params: Record<string, string> }[] = [
  { name: 'active, newest first (default)', params: { status: 'active' } },
  { name: 'all, newest first', params: {} },
  { name: 'disabled, by name', params: { status: 'disabled', sort: 'name' } },
  { name: 'active, by expiry', params: { status: 'active', sort: 'expires' } },
  { name: 'all, by last used', params: { sort: 'lastUsed' } },
  { name: 'all, by token ID, 100 a page', params: { sort: 'tokenId', size: '100' } },
  { name: 'search owner email, newest first', params: { q: scaleUserEmail(ACCOUNT, 7) } },
  { name: 'search token ID part, by name', params: { q: publicIdOf(500).slice(4, 14), sort: 'name' } },
  { name: 'search "backup" (1 in 8), active', params: { q: 'backup', status: 'active' } },
];

async function build(size: { tokens: number; users: number }, now: Date): Promise<TestDatabase> {
  const database = await createTestDatabase();
  try {
    const scale = { accountId: ACCOUNT, users: size.users };
    await createScaleAccount(database.db, scale);
    await addScaleTokens(database.db, scale, 1, size.tokens, now, { audit: false });
    return database;
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** The same database with a logger that counts statements. */
function countingDb(database: TestDatabase, statements: string[]): Db {
  const logger = { logQuery: (query: string) => void statements.push(query) };
  if (database.pool) return drizzlePg(database.pool, { schema, logger }) as unknown as Db;
  const client = (database.db as unknown as { $client: PGlite }).$client;
  return drizzlePglite(client, { schema, logger }) as unknown as Db;
}

const adminList: Bench = async () => {
  const now = new Date();
  const started = performance.now();
  const small = await build(SMALL, now);
  const large = await build(LARGE, now).catch(async (error: unknown) => {
    await small.close();
    throw error;
  });
  const seedSeconds = ((performance.now() - started) / 1000).toFixed(0);
  try {
    const smallAdmin = await actorByEmail(small.db, scaleAdminEmail(ACCOUNT));
    const largeAdmin = await actorByEmail(large.db, scaleAdminEmail(ACCOUNT));
    const ratios: Ratio[] = [];
    for (const scenario of SCENARIOS) {
      const query: AdminTokenListQuery = parseAdminTokenListParams(scenario.params);
      const times = await compare(
        () => listAccountTokens(small.db, smallAdmin, ACCOUNT, query, now),
        () => listAccountTokens(large.db, largeAdmin, ACCOUNT, query, now),
      );
      ratios.push({ name: `first page: ${scenario.name}`, ...times, max: 2 });
    }
    const filter = { q: '', status: 'active' as const };
    const counts = await compare(
      () => countAccountTokens(small.db, smallAdmin, ACCOUNT, filter, now),
      () => countAccountTokens(large.db, largeAdmin, ACCOUNT, filter, now),
    );
    ratios.push({ name: 'matching count (capped)', ...counts, max: 2 });

    const statements: string[] = [];
    const selected = Array.from({ length: BULK_SELECTED }, (_, i) => formatTokenId(publicIdOf(i + 1)));
    const bulkStarted = performance.now();
    const result = await bulkTokenAction(countingDb(large, statements), largeAdmin, ACCOUNT, 'disable', { kind: 'ids', tokenIds: selected }, now);
    const bulkMs = performance.now() - bulkStarted;
    const changing = statements.filter((s) => /^\s*(with|update|delete|insert)\b/i.test(s) && s.includes('"platform_tokens"'));

    // Every active token of a search (1 in 8 tokens is a "Backup" one), by filter: the selection
    // is never sent, and the change is one statement however many it takes.
    const filterStatements: string[] = [];
    const filterStarted = performance.now();
    const byFilter = await bulkTokenAction(
      countingDb(large, filterStatements),
      largeAdmin,
      ACCOUNT,
      'disable',
      { kind: 'filter', filter: { q: 'backup', status: 'active' } },
      now,
    );
    const filterMs = performance.now() - filterStarted;
    const filterChanging = filterStatements.filter((s) => /^\s*(with|update|delete|insert)\b/i.test(s) && s.includes('"platform_tokens"'));

    return {
      title: `Admin token list on ${large.kind} (first page of 25 unless said; median of 31, alternating sizes)`,
      small: `${SMALL.tokens.toLocaleString('en-US')} tokens`,
      large: `${LARGE.tokens.toLocaleString('en-US')} tokens`,
      ratios,
      notes: [
        `Disabling ${BULK_SELECTED.toLocaleString('en-US')} selected tokens: ${result.changed.toLocaleString('en-US')} changed in ${bulkMs.toFixed(0)} ms; ` +
          `${changing.length} statement changed tokens (with its audit event), ${statements.length} statements in the transaction.`,
        `Disabling every active "backup" token by filter: ${byFilter.changed.toLocaleString('en-US')} changed in ${filterMs.toFixed(0)} ms; ` +
          `${filterChanging.length} statement changed tokens, ${filterStatements.length} statements in the transaction.`,
        `Seeding both databases took ${seedSeconds} s.`,
      ],
      // The statement timeout is 30 s: disabling 100,000 tokens at once must stay well within it.
      figures: [
        { name: `bulk disable, ${result.changed.toLocaleString('en-US')} selected tokens`, value: `${(bulkMs / 1000).toFixed(1)} s` },
        { name: `bulk disable by filter, ${byFilter.changed.toLocaleString('en-US')} tokens`, value: `${(filterMs / 1000).toFixed(1)} s` },
      ],
    };
  } finally {
    await small.close();
    await large.close();
  }
};

export default adminList;
