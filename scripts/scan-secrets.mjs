// After the end-to-end run: no plaintext token may be found in any server's database (the audit
// log included) or log. Usage: node scripts/scan-secrets.mjs <E2E_KEEP_DIR>, which holds a
// directory per server (server-0, server-1, …), each with the database and server.log.
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { findTokenSecret } from '../lib/tokens/shape.mjs';

const keepDir = process.argv[2];
const dirs = fs
  .readdirSync(keepDir)
  .filter((name) => /^server-\d+$/.test(name))
  .map((name) => path.join(keepDir, name));
if (dirs.length === 0) {
  console.error(`No server's database in ${keepDir}`);
  process.exit(1);
}

const findings = [];
let tableCount = 0;
let rows = 0;
for (const dir of dirs) {
  const server = path.basename(dir);
  const scan = (where, text) => {
    const secret = findTokenSecret(text);
    if (secret) findings.push(`${server}, ${where}: ${secret.slice(0, 12)}…`);
  };

  const logFile = path.join(dir, 'server.log');
  if (fs.existsSync(logFile)) scan('server log', fs.readFileSync(logFile, 'utf8'));

  const db = await PGlite.create(dir, { extensions: { pg_trgm } });
  const tables = await db.query(
    `select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
  );
  tableCount += tables.rows.length;
  for (const { table_name } of tables.rows) {
    const result = await db.query(`select * from "${table_name}"`);
    rows += result.rows.length;
    for (const row of result.rows) scan(`table ${table_name}`, JSON.stringify(row));
  }
  await db.close();
}

if (findings.length > 0) {
  console.error(`Plaintext token secrets found:\n${[...new Set(findings)].join('\n')}`);
  process.exit(1);
}
console.log(`No token secret in ${dirs.length} servers' databases (${tableCount} tables, ${rows} rows) or logs.`);
