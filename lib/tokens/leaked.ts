import { and, eq, inArray } from 'drizzle-orm';
import { recordAudit, type SystemActor } from '@/lib/audit';
import { transactWithChanges } from '@/lib/changes';
import type { Db } from '@/lib/db';
import { platformTokens } from '@/lib/db/schema';
import type { Delivery } from '@/lib/people/portal-email';
import { formatTokenId, parseToken, verifyTokenHash } from './format';
import { storeTokenNotices } from './token-notices';

// Leaked credentials (PRODUCT.md §11): whoever holds a token's secret may report it, which
// disables it. The report names no one and learns nothing: the answer is the same whatever was valid.

export const LEAK_REPORTER: SystemActor = { userId: null, email: 'Leaked credentials report' };

/**
 * Disables every active token among `credentials` whose whole secret matches, with an audit event
 * "reported as leaked" and an email to its owner and creator, in one transaction whose commit
 * announces the changes to every instance. Strings that fail the format or checksum are dropped
 * before the database is even asked for. Returns the deliveries to run after answering, and how many were disabled
 * (for tests and logs; never for the answer).
 */
export async function reportLeakedCredentials(
  getDb: () => Promise<Db>,
  credentials: readonly string[],
  origin: string,
): Promise<{ disabled: number; deliveries: Delivery[] }> {
  const parsed = new Map<string, string[]>();
  for (const credential of credentials) {
    const token = parseToken(credential);
    if (!token) continue;
    const same = parsed.get(token.publicId) ?? [];
    if (!same.includes(credential)) same.push(credential);
    parsed.set(token.publicId, same);
  }
  if (parsed.size === 0) return { disabled: 0, deliveries: [] };
  const db = await getDb();

  const { disabled, deliveries } = await transactWithChanges(db, async (tx, publish) => {
    const rows = await tx
      .select()
      .from(platformTokens)
      .where(and(inArray(platformTokens.publicId, [...parsed.keys()]), eq(platformTokens.status, 'active')))
      .orderBy(platformTokens.id)
      .for('update');
    const leaked = rows.filter((row) => (parsed.get(row.publicId) ?? []).some((credential) => verifyTokenHash(credential, row.secretHash)));
    if (leaked.length === 0) return { disabled: 0, deliveries: () => [] };
    await tx
      .update(platformTokens)
      .set({ status: 'disabled' })
      .where(
        inArray(
          platformTokens.id,
          leaked.map((row) => row.id),
        ),
      );
    await recordAudit(
      tx,
      LEAK_REPORTER,
      leaked.map((row) => ({
        accountId: row.accountId,
        action: 'token.reported_leaked' as const,
        tokenId: formatTokenId(row.publicId),
        targetName: row.name,
        details: { disabled: true },
      })),
    );
    const notices = await storeTokenNotices(tx, leaked, LEAKED_NOTICE, origin);
    for (const row of leaked) publish({ kind: 'token', publicId: row.publicId });
    return { disabled: leaked.length, deliveries: notices };
  });
  return { disabled, deliveries: deliveries(db) };
}

const LEAKED_NOTICE = {
  subject: ({ name }: { name: string }) => `Platform token "${name}" was reported as leaked and is disabled`,
  body: ({ name, tokenId, accountName, link }: { name: string; tokenId: string; accountName: string; link: string }) =>
    [
      `The platform token "${name}" (${tokenId}) in ${accountName} was reported as leaked: someone who holds its secret sent it to the portal's leaked-credentials endpoint.`,
      '',
      'The token is disabled, so calls with it are refused. If it is still needed, rotate it and put the new secret where the old one was; enable it again only if you are sure the secret has not been exposed.',
      '',
      `Token page: ${link}`,
    ].join('\n'),
};
