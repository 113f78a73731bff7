import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Actor } from '@/lib/auth/users';
import { transactWithChanges } from '@/lib/changes';
import type { Db, Executor } from '@/lib/db';
import { auditEvents, platformTokens, type AuditAction } from '@/lib/db/schema';
import type { BulkTokenAction, TokenSelection } from '@/lib/validations/admin-tokens';
import { authorizeBulkTokenAction } from './access';
import { resolveTokenFilter, tokenFilterCondition } from './admin-filter';
import { formatTokenId, TOKEN_PREFIX } from './format';

export interface BulkTokenResult {
  action: BulkTokenAction;
  /** How many tokens changed (already disabled tokens are not disabled again, and so on). */
  changed: number;
  /** The first token IDs that changed, newest first. */
  tokenIds: string[];
}

const AUDIT_ACTION: Record<BulkTokenAction, AuditAction> = {
  disable: 'tokens.bulk_disabled',
  enable: 'tokens.bulk_enabled',
  delete: 'tokens.bulk_deleted',
};

// Up to this many changed tokens are announced one by one; beyond, the whole account is.
const PUBLISH_PER_TOKEN_MAX = 100;
const RESULT_SAMPLE = 10;

async function selectionCondition(db: Executor, accountId: string, selection: TokenSelection, now: Date): Promise<SQL> {
  if (selection.kind === 'filter') return tokenFilterCondition(await resolveTokenFilter(db, accountId, selection.filter, now));
  const publicIds = selection.tokenIds.map((id) => id.slice(TOKEN_PREFIX.length + 1));
  return and(eq(platformTokens.accountId, accountId), sql`${platformTokens.publicId} = any(${sql.param(publicIds)}::varchar[])`)!;
}

function changeStatement(action: BulkTokenAction, where: SQL): SQL {
  const returning = sql`returning ${platformTokens.publicId} as public_id, ${platformTokens.createdAt} as created_at`;
  switch (action) {
    case 'disable':
      return sql`update ${platformTokens} set status = 'disabled' where ${where} and ${platformTokens.status} = 'active' ${returning}`;
    case 'enable':
      return sql`update ${platformTokens} set status = 'active' where ${where} and ${platformTokens.status} = 'disabled' ${returning}`;
    case 'delete':
      return sql`delete from ${platformTokens} where ${where} ${returning}`;
  }
}

interface ChangedRow {
  count: number;
  sample: string[] | null;
}

/**
 * Disables, enables or deletes the selected tokens of one account, as its admin. The change and
 * its one summarising audit event (listing every token ID, never a secret) are a single SQL
 * statement, so 10,000 tokens cost one round trip and nothing is half done.
 */
export async function bulkTokenAction(
  db: Db,
  actor: Actor,
  accountId: string,
  action: BulkTokenAction,
  selection: TokenSelection,
  now: Date,
): Promise<BulkTokenResult> {
  return transactWithChanges(db, async (tx, publish) => {
    // Enabling includes service users' tokens: an admin may enable any token of the account.
    await authorizeBulkTokenAction(tx, actor, accountId, action);

    const details = selection.kind === 'filter' ? sql`, 'filter', ${JSON.stringify(selection.filter)}::jsonb` : sql``;
    const result = await tx.execute(sql`
      with changed as (${changeStatement(action, await selectionCondition(tx, accountId, selection, now))}),
      logged as (
        insert into ${auditEvents} (account_id, actor_user_id, actor_email, action, target_name, details)
        select ${accountId}, ${actor.userId}, ${actor.email}, ${AUDIT_ACTION[action]},
          count(*) || case when count(*) = 1 then ' token' else ' tokens' end,
          jsonb_build_object(
            'count', count(*),
            'tokenIds', jsonb_agg(${`${TOKEN_PREFIX}.`} || public_id order by created_at desc, public_id)
            ${details})
        from changed
        having count(*) > 0
      )
      select count(*)::int as count,
        (array_agg(public_id order by created_at desc, public_id))[1:${sql.raw(String(PUBLISH_PER_TOKEN_MAX))}] as sample
      from changed`);
    const [row] = (result as unknown as { rows: ChangedRow[] }).rows;
    const changed = Number(row?.count ?? 0);
    const sample = row?.sample ?? [];
    if (changed > PUBLISH_PER_TOKEN_MAX) publish({ kind: 'account', accountId });
    else for (const publicId of sample) publish({ kind: 'token', publicId });
    return { action, changed, tokenIds: sample.slice(0, RESULT_SAMPLE).map(formatTokenId) };
  });
}
