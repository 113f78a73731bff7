import type { ActivityEvent } from '@/lib/audit-queries';
import type { AuditAction } from '@/lib/db/schema';

/** An audit event as the Activity table shows it: plain data, details as readable pairs. */
export interface ActivityEventView {
  id: number;
  at: string;
  actorEmail: string;
  action: AuditAction;
  tokenId: string | null;
  targetName: string | null;
  details: [string, string][];
  tokenIds: string[];
  tokenCount: number | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function readable(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'string') return UUID.test(value) ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const parts = value.map(readable).filter((v): v is string => v !== null);
    return parts.length > 0 ? parts.join(', ') : null;
  }
  const entries = Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => [k, readable(v)] as const)
    .filter(([, v]) => v !== null);
  return entries.length > 0 ? entries.map(([k, v]) => `${k} ${v}`).join(', ') : null;
}

/** "groupId" → "group ID", "memberKind" → "member kind". */
function label(key: string): string {
  return key.replace(/Id$/, ' ID').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

export function toActivityEventView(event: ActivityEvent): ActivityEventView {
  // Internal row IDs mean nothing to a reader; the count of a bulk event is shown with its list.
  const details = Object.entries(event.details)
    .filter(([key]) => !(key === 'count' && event.tokenCount !== null))
    .map(([key, value]) => [label(key), readable(value)] as const)
    .filter((pair): pair is [string, string] => pair[1] !== null);
  return {
    id: event.id,
    at: event.createdAt.toISOString(),
    actorEmail: event.actorEmail,
    action: event.action,
    tokenId: event.tokenId,
    targetName: event.targetName,
    details,
    tokenIds: event.tokenIds,
    tokenCount: event.tokenCount,
  };
}
