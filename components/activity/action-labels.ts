import type { AuditAction } from '@/lib/db/schema';

/** How each audit action reads in Activity. */
export const ACTION_LABELS: Record<AuditAction, string> = {
  'token.generated': 'Token generated',
  'token.duplicated': 'Token duplicated',
  'token.rotated': 'Token rotated',
  'token.disabled': 'Token disabled',
  'token.enabled': 'Token enabled',
  'token.deleted': 'Token deleted',
  'tokens.bulk_disabled': 'Tokens disabled (bulk)',
  'tokens.bulk_enabled': 'Tokens enabled (bulk)',
  'tokens.bulk_deleted': 'Tokens deleted (bulk)',
  'account.token_management_allowed': 'Token management allowed',
  'account.token_management_denied': 'Token management denied',
  'group.created': 'Group created',
  'group.renamed': 'Group renamed',
  'group.deleted': 'Group deleted',
  'group.member_added': 'Group member added',
  'group.member_removed': 'Group member removed',
  'policy.created': 'Policy created',
  'policy.updated': 'Policy updated',
  'policy.deleted': 'Policy deleted',
  'policy.bound': 'Policy bound',
  'policy.unbound': 'Policy unbound',
  'service_user.created': 'Service user created',
  'service_user.deleted': 'Service user deleted',
};
