import { sql } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db';
import { processSingleton } from '@/lib/singleton';

/**
 * A change that cached token records or permissions must learn of: one token (disabled, enabled,
 * deleted, expired by a rotation), or everything of an account (policies, groups, members,
 * service users, the "Allow to manage platform tokens" setting, bulk actions), or a deleted
 * environment: everything of its account, and whatever service data is held in memory for it.
 */
export type Change =
  | { kind: 'token'; publicId: string }
  | { kind: 'account'; accountId: string }
  | { kind: 'environment'; accountId: string; environmentId: string };

export const CHANGES_CHANNEL = 'platform_changes';

type Listener = (changes: readonly Change[]) => void;
const listeners = processSingleton('change-listeners', () => new Set<Listener>());

/** Subscribes to changes, from this instance (after commit) and from others (via LISTEN). */
export function onChanges(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Hands changes to this process's subscribers. */
export function applyChanges(changes: readonly Change[]): void {
  if (changes.length === 0) return;
  for (const listener of listeners) listener(changes);
}

// A NOTIFY payload must stay under 8000 bytes; many token changes collapse into account changes.
const MAX_TOKEN_CHANGES_PER_NOTIFY = 100;

export function compactChanges(changes: readonly Change[], accountOf?: (publicId: string) => string | undefined): Change[] {
  const accounts = new Set(changes.filter((c) => c.kind === 'account').map((c) => c.accountId));
  const tokens = changes.filter((c): c is Extract<Change, { kind: 'token' }> => c.kind === 'token');
  if (tokens.length > MAX_TOKEN_CHANGES_PER_NOTIFY && accountOf) {
    for (const t of tokens) {
      const account = accountOf(t.publicId);
      if (account) accounts.add(account);
    }
    return [...[...accounts].map((accountId) => ({ kind: 'account' as const, accountId })), ...changes.filter((c) => c.kind === 'environment')];
  }
  const uniqueTokens = [...new Set(tokens.map((t) => t.publicId))].map((publicId) => ({ kind: 'token' as const, publicId }));
  // Few and rare: kept as they are (each also stands for its account).
  const environments = changes.filter((c) => c.kind === 'environment');
  return [...[...accounts].map((accountId) => ({ kind: 'account' as const, accountId })), ...environments, ...uniqueTokens];
}

function chunks(changes: Change[]): Change[][] {
  const out: Change[][] = [];
  for (let i = 0; i < changes.length; i += MAX_TOKEN_CHANGES_PER_NOTIFY) out.push(changes.slice(i, i + MAX_TOKEN_CHANGES_PER_NOTIFY));
  return out;
}

/**
 * Runs `work` in one transaction. Changes it publishes are sent to other instances with NOTIFY,
 * which PostgreSQL delivers only if the transaction commits, and are applied to this process's
 * caches right after the commit, so this instance's next request already sees them.
 */
export async function transactWithChanges<T>(
  db: Db,
  work: (tx: Tx, publish: (change: Change) => void) => Promise<T>,
): Promise<T> {
  let published: Change[] = [];
  const result = await db.transaction(async (tx) => {
    const pending: Change[] = [];
    const value = await work(tx, (change) => pending.push(change));
    published = compactChanges(pending);
    for (const chunk of chunks(published)) {
      await tx.execute(sql`select pg_notify(${CHANGES_CHANNEL}, ${JSON.stringify(chunk)})`);
    }
    return value;
  });
  applyChanges(published);
  return result;
}
