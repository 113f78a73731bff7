import type { Executor } from '@/lib/db';
import { auditEvents, type AuditAction } from '@/lib/db/schema';

export interface AuditActor {
  userId: string;
  email: string;
}

export interface AuditEntry {
  accountId: string;
  action: AuditAction;
  /** Token ID (`dt0s16.<public>`), never the token itself. */
  tokenId?: string | null;
  /** A readable name of what was acted on (token, group or policy name). */
  targetName?: string | null;
  details?: Record<string, unknown>;
}

/** Records audit events; call it inside the transaction of the change it describes. */
/** The portal itself, acting on its own (a scheduled clean-up, a leaked-credentials report). */
export interface SystemActor {
  userId: null;
  /** What acted, shown where a person's email would be. */
  email: string;
}

export async function recordAudit(db: Executor, actor: AuditActor | SystemActor, entries: AuditEntry | AuditEntry[]): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries];
  if (list.length === 0) return;
  await db.insert(auditEvents).values(
    list.map((e) => ({
      accountId: e.accountId,
      actorUserId: actor.userId,
      actorEmail: actor.email,
      action: e.action,
      tokenId: e.tokenId ?? null,
      targetName: e.targetName ?? null,
      details: e.details ?? {},
    })),
  );
}
