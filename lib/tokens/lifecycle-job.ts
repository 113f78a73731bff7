import { and, eq, gt, isNotNull, isNull, lte, notExists, or, sql } from 'drizzle-orm';
import { recordAudit, type SystemActor } from '@/lib/audit';
import { transactWithChanges } from '@/lib/changes';
import type { Db } from '@/lib/db';
import { accounts, platformTokens, tokenExpiryReminders } from '@/lib/db/schema';
import type { Delivery } from '@/lib/people/portal-email';
import { formatTokenId } from './format';
import { storeTokenNotices, type NoticeToken, type TokenNotice } from './token-notices';

// The token lifecycle job (PRODUCT.md §11), run by every instance on an interval: expiry reminders
// 7 days and 1 day before a token expires, and "Disable tokens unused for". Each batch is one
// transaction that claims its tokens with FOR UPDATE SKIP LOCKED, so instances sharing a database
// split the work instead of repeating it; a reminder's row in token_expiry_reminders (unique per
// token, kind and expiry) commits with its emails, so each is sent once, across restarts too.

const DAY_MS = 24 * 60 * 60 * 1000;
const BATCH = 200;
/** Batches per run and kind at most, so that one run ends; the next run carries on. */
const MAX_BATCHES = 50;

export const TOKEN_POLICY_ACTOR: SystemActor = { userId: null, email: 'Token policy' };

export const REMINDERS = [
  { kind: '7d', days: 7 },
  { kind: '1d', days: 1 },
] as const;
type ReminderKind = (typeof REMINDERS)[number]['kind'];

export interface LifecycleRun {
  reminded: number;
  disabled: number;
  /** Email deliveries to run now that everything has committed (none without SMTP). */
  deliveries: Delivery[];
}

const t = platformTokens;
const noticeColumns = {
  id: t.id,
  publicId: t.publicId,
  name: t.name,
  accountId: t.accountId,
  ownerUserId: t.ownerUserId,
  ownerServiceUserId: t.ownerServiceUserId,
  createdById: t.createdById,
  expiresAt: t.expiresAt,
};

function reminderNotice(days: number): TokenNotice {
  // "Within": a run after a pause (or the first one) may find a token closer to its expiry than the lead.
  const when = days === 1 ? 'within 1 day' : `within ${days} days`;
  return {
    subject: ({ name }) => `Platform token "${name}" expires ${when}`,
    body: ({ name, tokenId, accountName, link }) =>
      [
        `The platform token "${name}" (${tokenId}) in ${accountName} expires ${when}. Calls with it will then be refused.`,
        '',
        `To keep what uses it working, open its page and choose "Rotate": ${link}`,
      ].join('\n'),
  };
}

const UNUSED_NOTICE: TokenNotice = {
  subject: ({ name }) => `Platform token "${name}" was disabled: unused`,
  body: ({ name, tokenId, accountName, link }) =>
    [
      `The platform token "${name}" (${tokenId}) in ${accountName} was not used for longer than the account's token policy allows, so it is now disabled.`,
      '',
      `It can be enabled again on its page: ${link}`,
    ].join('\n'),
};

/** One batch of one reminder kind: claims due tokens, records the reminders, stores the emails. */
async function remindBatch(db: Db, kind: ReminderKind, days: number, now: Date, origin: string) {
  return db.transaction(async (tx) => {
    const upTo = new Date(now.getTime() + days * DAY_MS);
    const rows = await tx
      .select(noticeColumns)
      .from(t)
      .where(
        and(
          eq(t.status, 'active'),
          isNotNull(t.expiresAt),
          // Superseded by a rotation (also once its successor is deleted): nothing to rotate.
          isNull(t.rotatedAt),
          gt(t.expiresAt, kind === '7d' ? new Date(now.getTime() + DAY_MS) : now),
          lte(t.expiresAt, upTo),
          // A token made with a shorter lifetime than the reminder's lead gets no such reminder.
          sql`${t.createdAt} < ${t.expiresAt} - make_interval(days => ${days})`,
          notExists(
            tx
              .select({ one: sql`1` })
              .from(tokenExpiryReminders)
              .where(
                and(
                  eq(tokenExpiryReminders.tokenId, t.id),
                  eq(tokenExpiryReminders.kind, kind),
                  eq(tokenExpiryReminders.expiresAt, t.expiresAt),
                ),
              ),
          ),
        ),
      )
      .orderBy(t.expiresAt, t.id)
      .limit(BATCH)
      .for('update', { of: t, skipLocked: true });
    if (rows.length === 0) return { claimed: 0, sent: 0, deliveries: () => [] as Delivery[] };
    const recorded = await tx
      .insert(tokenExpiryReminders)
      .values(rows.map((row) => ({ tokenId: row.id, kind, expiresAt: row.expiresAt!, sentAt: now })))
      .onConflictDoNothing()
      .returning({ tokenId: tokenExpiryReminders.tokenId });
    const fresh = new Set(recorded.map((r) => r.tokenId));
    const due: NoticeToken[] = rows.filter((row) => fresh.has(row.id));
    const deliveries = await storeTokenNotices(tx, due, reminderNotice(days), origin);
    return { claimed: rows.length, sent: due.length, deliveries: (d: Db) => deliveries(d) };
  });
}

/** One batch of "Disable tokens unused for": claims, disables, audits and emails, in one transaction. */
async function disableUnusedBatch(db: Db, now: Date, origin: string) {
  return transactWithChanges(db, async (tx, publish) => {
    const rows = await tx
      .select({ ...noticeColumns, unusedDays: accounts.disableUnusedTokensDays, lastUsedAt: t.lastUsedAt })
      .from(t)
      .innerJoin(accounts, eq(accounts.id, t.accountId))
      .where(
        and(
          isNotNull(accounts.disableUnusedTokensDays),
          eq(t.status, 'active'),
          // An expired token (one rotated away "Immediately" too) is refused already, and stays shown as Expired.
          or(isNull(t.expiresAt), gt(t.expiresAt, now)),
          // Never used since it was made counts from when it was made.
          sql`coalesce(${t.lastUsedAt}, ${t.createdAt}) <= ${now.toISOString()}::timestamptz - make_interval(days => ${accounts.disableUnusedTokensDays})`,
        ),
      )
      .orderBy(t.id)
      .limit(BATCH)
      .for('update', { of: t, skipLocked: true });
    if (rows.length === 0) return { claimed: 0, deliveries: () => [] as Delivery[] };
    await tx
      .update(t)
      .set({ status: 'disabled' })
      .where(sql`${t.id} in (${sql.join(rows.map((r) => sql`${r.id}`), sql`, `)})`);
    await recordAudit(
      tx,
      TOKEN_POLICY_ACTOR,
      rows.map((row) => ({
        accountId: row.accountId,
        action: 'token.disabled_unused' as const,
        tokenId: formatTokenId(row.publicId),
        targetName: row.name,
        details: { unusedDays: row.unusedDays, lastUsedAt: row.lastUsedAt?.toISOString() ?? null },
      })),
    );
    const deliveries = await storeTokenNotices(tx, rows, UNUSED_NOTICE, origin);
    for (const row of rows) publish({ kind: 'token', publicId: row.publicId });
    return { claimed: rows.length, deliveries: (d: Db) => deliveries(d) };
  });
}

/** One run of the job at `now`: every reminder due and every unused token, in batches. */
export async function runTokenLifecycle(db: Db, now: Date, origin: string): Promise<LifecycleRun> {
  const run: LifecycleRun = { reminded: 0, disabled: 0, deliveries: [] };
  for (let i = 0; i < MAX_BATCHES; i++) {
    const batch = await disableUnusedBatch(db, now, origin);
    run.disabled += batch.claimed;
    run.deliveries.push(...batch.deliveries(db));
    if (batch.claimed < BATCH) break;
  }
  for (const { kind, days } of REMINDERS) {
    for (let i = 0; i < MAX_BATCHES; i++) {
      const batch = await remindBatch(db, kind, days, now, origin);
      run.reminded += batch.sent;
      run.deliveries.push(...batch.deliveries(db));
      if (batch.claimed < BATCH) break;
    }
  }
  return run;
}

export interface LifecycleJobOptions {
  getDb: () => Promise<Db>;
  intervalMs: number;
  /** The portal's public origin, for the links in the emails. */
  origin: () => string;
  now?: () => Date;
  onError?: (error: unknown) => void;
}

/**
 * Runs the job now and then every `intervalMs` in this process (a timer that does not keep the
 * process alive); a run never overlaps the previous one. Returns a stop function that resolves
 * once a run in progress has finished.
 */
export function startTokenLifecycleJob(options: LifecycleJobOptions): () => Promise<void> {
  const now = options.now ?? (() => new Date());
  const onError =
    options.onError ?? ((error: unknown) => console.error(`[lifecycle] run failed: ${error instanceof Error ? error.message : String(error)}`));
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = (async () => {
      const run = await runTokenLifecycle(await options.getDb(), now(), options.origin());
      for (const delivery of run.deliveries) {
        delivery?.().catch((error: unknown) => console.error('[email] delivery failed:', error instanceof Error ? error.message : error));
      }
    })()
      .catch(onError)
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, options.intervalMs);
  timer.unref();
  tick();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
