// `npm run seed:scale [-- --account scale --users 10000 --tokens 100000 --reset]`
// Builds a large account in the database of DATABASE_URL, or else in the PGlite folder DATA_DIR
// (stop the portal first: only one process can open that folder). The demo data is created as
// on a normal start when the database is empty, and is never touched.
import { parseArgs } from 'node:util';
import { getDatabase } from '@/lib/db';
import { addScaleTokens, checkAccountId, createScaleAccount, dropScaleAccount, scaleAccountExists, scaleAdminEmail } from './scale-data';

function positive(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1 || n > 10_000_000) throw new Error(`--${name} must be a whole number from 1 to 10,000,000 (got "${value}").`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      account: { type: 'string', default: 'scale' },
      users: { type: 'string', default: '10000' },
      tokens: { type: 'string', default: '100000' },
      reset: { type: 'boolean', default: false },
    },
  });
  const scale = { accountId: values.account, users: positive('users', values.users) };
  const tokens = positive('tokens', values.tokens);
  checkAccountId(scale.accountId);
  const database = await getDatabase();
  try {
    const { db } = database;
    if (await scaleAccountExists(db, scale.accountId)) {
      if (!values.reset) {
        console.log(`Account "${scale.accountId}" exists already; run with --reset to build it again.`);
        return;
      }
      console.log(`Removing account "${scale.accountId}" and its users…`);
      await dropScaleAccount(db, scale.accountId);
    }
    const started = performance.now();
    console.log(`Creating account "${scale.accountId}" with ${scale.users} users…`);
    await createScaleAccount(db, scale);
    console.log(`Adding ${tokens} tokens…`);
    await addScaleTokens(db, scale, 1, tokens, new Date());
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`Done in ${seconds}s on ${database.kind}. Sign in as ${scaleAdminEmail(scale.accountId)} (password demo-password).`);
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
