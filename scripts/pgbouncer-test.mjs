// The integration tests that cover every shape of query the portal sends, run with DATABASE_URL
// at PgBouncer in transaction mode (deploy/pgbouncer.ini.template) in front of DATABASE_URL's
// server, and DATABASE_LISTEN_URL direct, as a deployment behind a pooler runs: each transaction
// may get another server connection, so anything that relied on a session's state fails here.
// Test databases are made and dropped on the direct connection (lib/db/testing.ts).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPgBouncer } from './cluster-services.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Each file, and the shapes of query it sends through the pooler. */
export const FILES = {
  'lib/db/pooler.test.ts': 'migrations from three pools at once under a transaction-level lock; prepared reads on any server connection',
  'lib/db/listener.test.ts': 'LISTEN on the direct connection, NOTIFY from transactions through the pooler',
  'lib/platform/propagation.test.ts': 'a change through one pool reaching the caches of others',
  'lib/platform/verification-record.test.ts': 'the verification lookup, a prepared statement sent unnamed',
  'lib/platform/services/state.test.ts': 'prepared reads and upserts of the state service',
  'lib/platform/query/execute.test.ts': 'read-only transactions with SET LOCAL statement_timeout',
  'lib/platform/last-used.test.ts': 'batched updates from VALUES lists',
  'lib/platform/jobs.test.ts': 'the three jobs end to end: events ingested and queried, a workflow run, documents kept in sync',
  'lib/platform/services/document.test.ts': 'documents changed under row locks (SELECT … FOR UPDATE) with versions',
  'lib/platform/services/settings.test.ts': 'settings objects changed under row locks',
  'lib/failure-counts.test.ts': 'upserts with RETURNING, deletes with FOR UPDATE SKIP LOCKED',
  'lib/platform/failed-verifications.test.ts': 'the failure counts of two instances',
  'lib/auth/sign-in-limits.test.ts': 'the sign-in counts of two instances',
  'lib/auth/sessions.test.ts': 'server-side sessions',
  'lib/tokens/generate.test.ts': 'token generation',
  'lib/tokens/limits.test.ts': 'the per-owner token limit under parallel generation (row locks in a transaction)',
  'lib/tokens/lifecycle.test.ts': 'disable, enable and delete with their audit events and notifications',
  'lib/tokens/rotate.test.ts': 'rotation in one transaction',
  'lib/tokens/bulk.test.ts': 'bulk changes by filter in one statement',
  'lib/tokens/admin-queries.test.ts': 'the admin list: keyset pages, sorts and filters',
  'lib/audit-queries.test.ts': 'the audit log queries',
  'lib/accounts/token-management.test.ts': 'an account admin’s token actions under the change’s locks',
  'lib/iam/policy-operations.test.ts': 'IAM policy changes under row locks',
  'lib/iam/group-operations.test.ts': 'IAM group changes under row locks',
  'app/authorization-matrix.test.ts': 'every server action, for every kind of caller',
};

const serverUrl = process.env.DATABASE_LISTEN_URL || process.env.DATABASE_URL;
if (!serverUrl) {
  console.error('pgbouncer test: DATABASE_URL is not set');
  process.exit(2);
}
const extra = process.argv.slice(2);
const bouncer = await startPgBouncer({ serverUrl });
let status = 1;
try {
  const env = { ...process.env, DATABASE_URL: bouncer.url(new URL(serverUrl).pathname.slice(1) || 'postgres'), DATABASE_LISTEN_URL: serverUrl };
  console.log(`PgBouncer (transaction mode) on 127.0.0.1:${bouncer.port} in front of ${new URL(serverUrl).host}`);
  // Not spawnSync: this process must go on reading PgBouncer's output, or PgBouncer stalls on a full pipe.
  const vitest = spawn(path.join(root, 'node_modules', '.bin', 'vitest'), ['run', ...Object.keys(FILES), ...extra], { cwd: root, env, stdio: 'inherit' });
  status = await new Promise((resolve) => vitest.once('exit', (code) => resolve(code ?? 1)));
} finally {
  await bouncer.stop();
}
process.exit(status);
