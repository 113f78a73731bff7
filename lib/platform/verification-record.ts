import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db';
import { platformTokens, type TokenStatus } from '@/lib/db/schema';
import type { Principal } from '@/lib/iam/effective-permissions';
import { compileStoredPolicy, type BindingScope } from '@/lib/iam/policies-in-effect';
import type { PolicyInEffect } from '@/lib/iam/policy-evaluator';
import { formatTokenId } from '@/lib/tokens/format';

/** What verification needs to know about a token; the secret itself is never held, only its hash. */
export interface TokenRecord {
  id: string;
  publicId: string;
  /** `dt0s16.<public>`: the only form of the token that messages and logs show. */
  tokenId: string;
  accountId: string;
  /** The 32 bytes of the stored SHA-256, for a constant-time comparison. */
  secretHash: Buffer;
  status: TokenStatus;
  expiresAt: Date | null;
  owner: Principal;
  scopes: ReadonlySet<string>;
  appliesToAccount: boolean;
  environmentIds: ReadonlySet<string>;
  lastUsedAt: Date | null;
}

/** The owner's policy bindings in the token's account (what lib/iam's loadPrincipalPolicies returns). */
export interface OwnerPolicies {
  bindings: BindingScope[];
  policies: ReadonlyMap<string, PolicyInEffect>;
}

export interface VerificationRecord {
  token: TokenRecord | null;
  /** Account of the requested environment; null when there is no such environment. */
  environmentAccountId: string | null;
  /** Null when the token is unknown. */
  ownerPolicies: OwnerPolicies | null;
}

export function ownerKey(accountId: string, owner: Principal): string {
  return owner.kind === 'user' ? `${accountId}|user:${owner.userId}` : `${accountId}|service-user:${owner.serviceUserId}`;
}

interface PolicyRow {
  bindingId: string;
  accountWide: boolean;
  policyId: string;
  name: string;
  statements: string;
  environmentIds: string[] | null;
}

// Parsing is the costly part of a policy; its compiled form only changes with its name and text.
const compiled = new Map<string, { name: string; statements: string; policy: PolicyInEffect }>();
const MAX_COMPILED = 5_000;

function compile(row: PolicyRow): PolicyInEffect {
  const hit = compiled.get(row.policyId);
  if (hit && hit.name === row.name && hit.statements === row.statements) return hit.policy;
  if (!hit && compiled.size >= MAX_COMPILED) compiled.clear();
  const policy = compileStoredPolicy({ id: row.policyId, name: row.name, statements: row.statements });
  compiled.set(row.policyId, { name: row.name, statements: row.statements, policy });
  return policy;
}

// The same rules as lib/iam's loadPrincipalPolicies (a user must still be a member of the
// account, a service user must belong to it; groups, bindings and policies of that account only),
// folded into the token lookup so that a cold verification is one round trip to the database.
// verification-record.test.ts checks that both agree.
const ownerPoliciesSql = sql`coalesce((
  select json_agg(json_build_object(
    'bindingId', pb.id,
    'accountWide', pb.account_wide,
    'policyId', p.id,
    'name', p.name,
    'statements', p.statements,
    'environmentIds', case when pb.account_wide then null else coalesce(
      (select json_agg(pbe.environment_id) from policy_binding_environments pbe where pbe.binding_id = pb.id),
      '[]'::json) end
  ))
  from group_members gm
  join groups g on g.id = gm.group_id and g.account_id = ${platformTokens.accountId}
  join policy_bindings pb on pb.group_id = g.id
  join policies p on p.id = pb.policy_id and p.account_id = ${platformTokens.accountId}
  where (
    gm.user_id = ${platformTokens.ownerUserId}
    and exists (select 1 from account_members am
                where am.account_id = ${platformTokens.accountId} and am.user_id = ${platformTokens.ownerUserId})
  ) or (
    gm.service_user_id = ${platformTokens.ownerServiceUserId}
    and exists (select 1 from service_users su
                where su.id = ${platformTokens.ownerServiceUserId} and su.account_id = ${platformTokens.accountId})
  )
), '[]'::json)`;

function buildQuery(db: Db) {
  return db
    .select({
      id: platformTokens.id,
      publicId: platformTokens.publicId,
      accountId: platformTokens.accountId,
      secretHash: platformTokens.secretHash,
      status: platformTokens.status,
      expiresAt: platformTokens.expiresAt,
      ownerUserId: platformTokens.ownerUserId,
      ownerServiceUserId: platformTokens.ownerServiceUserId,
      scopes: platformTokens.scopes,
      appliesToAccount: platformTokens.appliesToAccount,
      lastUsedAt: platformTokens.lastUsedAt,
      environmentIds: sql<string[]>`array(select pte.environment_id from platform_token_environments pte where pte.token_id = ${platformTokens.id})`,
      environmentAccountId: sql<string | null>`(select e.account_id from environments e where e.id = ${sql.placeholder('environmentId')})`,
      policies: sql<PolicyRow[] | string>`${ownerPoliciesSql}`,
    })
    .from(platformTokens)
    .where(eq(platformTokens.publicId, sql.placeholder('publicId')))
    .limit(1)
    .prepare('platform_verify_token');
}

type PreparedLookup = ReturnType<typeof buildQuery>;
const prepared = new WeakMap<Db, PreparedLookup>();

function toOwnerPolicies(raw: PolicyRow[] | string): OwnerPolicies {
  const rows: PolicyRow[] = typeof raw === 'string' ? (JSON.parse(raw) as PolicyRow[]) : raw;
  return {
    bindings: rows.map((r) => ({ policyId: r.policyId, environmentIds: r.accountWide ? null : (r.environmentIds ?? []) })),
    policies: new Map(rows.map((r) => [r.policyId, compile(r)])),
  };
}

function hashBytes(hex: string): Buffer {
  // A stored value that is not 64 hex digits yields a buffer of another length, which never matches.
  return /^[0-9a-fA-F]{64}$/.test(hex) ? Buffer.from(hex, 'hex') : Buffer.alloc(0);
}

/**
 * Everything verification needs, in one query: the token by its public ID (with its
 * environments), the account of the requested environment, and the owner's policies.
 */
export async function loadVerificationRecord(db: Db, publicId: string, environmentId: string): Promise<VerificationRecord> {
  let query = prepared.get(db);
  if (!query) {
    query = buildQuery(db);
    prepared.set(db, query);
  }
  const [row] = await query.execute({ publicId, environmentId });
  // An unknown token ends verification; the environment does not matter then.
  if (!row) return { token: null, environmentAccountId: null, ownerPolicies: null };
  const owner: Principal = row.ownerUserId
    ? { kind: 'user', userId: row.ownerUserId }
    : { kind: 'service-user', serviceUserId: row.ownerServiceUserId ?? '' };
  return {
    token: {
      id: row.id,
      publicId: row.publicId,
      tokenId: formatTokenId(row.publicId),
      accountId: row.accountId,
      secretHash: hashBytes(row.secretHash),
      status: row.status,
      expiresAt: row.expiresAt,
      owner,
      scopes: new Set(row.scopes),
      appliesToAccount: row.appliesToAccount,
      environmentIds: new Set(row.environmentIds),
      lastUsedAt: row.lastUsedAt,
    },
    environmentAccountId: row.environmentAccountId,
    ownerPolicies: toOwnerPolicies(row.policies),
  };
}
