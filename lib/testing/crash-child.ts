// Run by crash.test.ts in a process of its own, which the test kills mid-transaction.
// Usage: tsx lib/testing/crash-child.ts <database url> <bulk|rotate> <token ID>
import { loadActor } from '@/lib/auth/users';
import { openDatabase } from '@/lib/db/client';
import { users } from '@/lib/db/schema';
import { bulkTokenAction } from '@/lib/tokens/bulk';
import { rotateToken } from '@/lib/tokens/rotate';
import { eq } from 'drizzle-orm';

async function main() {
  const [url, operation, tokenId] = process.argv.slice(2) as [string, string, string];
const database = await openDatabase({ kind: 'postgres', url });
const email = operation === 'bulk' ? 'admin@example.com' : 'alice@example.com';
const [user] = await database.db.select().from(users).where(eq(users.email, email));
const actor = (await loadActor(database.db, user!.id))!;
const now = new Date();
if (operation === 'bulk') {
  await bulkTokenAction(database.db, actor, 'acme', 'disable', { kind: 'ids', tokenIds: [tokenId] }, now);
} else {
  await rotateToken(
    database.db,
    actor,
    { tokenId, expireOld: 'immediately', oldExpiresAt: '', name: 'Rotated', expiration: '30d', expiresAt: '' },
    now,
  );
}
console.log('finished');
await database.close();
}

void main();
