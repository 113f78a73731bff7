import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db';
import { isEmbedded } from '@/lib/db/client';
import { sqlState } from '@/lib/db/sql-state';
import { platformTokens, type TokenStatus } from '@/lib/db/schema';
import type { Principal } from '@/lib/iam/effective-permissions';
import { compileStoredPolicy, type BindingScope } from '@/lib/iam/policies-in-effect';
import type { PolicyInEffect } from '@/lib/iam/policy-evaluator';
import { clientAddressMatcher, type ClientAddressMatcher } from '@/lib/tokens/client-address-matcher';
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
  /** Key of the owner's policies in the cache: account and owner. */
  ownerKey: string;
  scopes: ReadonlySet<string>;
  appliesToAccount: boolean;
  environmentIds: ReadonlySet<string>;
  lastUsedAt: Date | null;
  /** "Allowed client addresses", ready to match; null when calls may come from anywhere. */
  clientAddresses: ClientAddressMatcher | null;
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
  /** Null when the token is unknown, or when they were not asked for. */
  ownerPolicies: OwnerPolicies | null;
}

function ownerKey(accountId: string, owner: Principal): string {
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

/** The JSON the verification query answers with. */
interface RecordRow {
  id: string;
  publicId: string;
  accountId: string;
  secretHash: string;
  status: TokenStatus;
  expiresAt: string | null;
  ownerUserId: string | null;
  ownerServiceUserId: string | null;
  scopes: string[];
  appliesToAccount: boolean;
  lastUsedAt: string | null;
  allowedClientAddresses: string[] | null;
  environmentIds: string[];
  environmentAccountId: string | null;
  /** Null when not asked for. */
  policies: PolicyRow[] | null;
}

const t = platformTokens;

// The owner's policies follow the rules of loadPrincipalPolicies in lib/iam/effective-permissions.ts
// (a user must still be a member of the account, a service user must belong to it; groups,
// bindings and policies of that account only), folded into the token lookup so that a cold
// verification is one round trip. verification-record.test.ts checks that both agree.
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
  join groups g on g.id = gm.group_id and g.account_id = ${t.accountId}
  join policy_bindings pb on pb.group_id = g.id
  join policies p on p.id = pb.policy_id and p.account_id = ${t.accountId}
  where (
    gm.user_id = ${t.ownerUserId}
    and exists (select 1 from account_members am where am.account_id = ${t.accountId} and am.user_id = ${t.ownerUserId})
  ) or (
    gm.service_user_id = ${t.ownerServiceUserId}
    and exists (select 1 from service_users su where su.id = ${t.ownerServiceUserId} and su.account_id = ${t.accountId})
  )
), '[]'::json)`;

/** The parameters of the query, with the SQL type each has as a function argument. */
const PARAMETERS = { publicId: 'text', environmentId: 'text' } as const;
type Parameter = keyof typeof PARAMETERS;
type Values = Record<Parameter, string>;

// Two statements rather than one with a switch: a plan that covers both cases would look costlier
// than either, and PostgreSQL would then plan every call afresh instead of reusing its plan.
function verificationQuery(db: Db, withPolicies: boolean) {
  const record = sql<RecordRow | string | null>`json_build_object(
    'id', ${t.id},
    'publicId', ${t.publicId},
    'accountId', ${t.accountId},
    'secretHash', ${t.secretHash},
    'status', ${t.status},
    'expiresAt', ${t.expiresAt},
    'ownerUserId', ${t.ownerUserId},
    'ownerServiceUserId', ${t.ownerServiceUserId},
    'scopes', ${t.scopes},
    'appliesToAccount', ${t.appliesToAccount},
    'lastUsedAt', ${t.lastUsedAt},
    'allowedClientAddresses', ${t.allowedClientAddresses},
    'environmentIds', array(select pte.environment_id from platform_token_environments pte where pte.token_id = ${t.id}),
    'environmentAccountId', (select e.account_id from environments e where e.id = ${sql.placeholder('environmentId')}),
    'policies', ${withPolicies ? ownerPoliciesSql : sql`null`}
  )`;
  return db.select({ record }).from(t).where(eq(t.publicId, sql.placeholder('publicId')));
}

type Lookup = (values: Values) => Promise<RecordRow | string | null>;

/**
 * Planning this query costs far more than running it. PostgreSQL keeps the plan of a named
 * prepared statement per connection. PGlite has no such statements, so there the same query
 * becomes a PL/pgSQL function of the session (pg_temp), whose plan PL/pgSQL keeps.
 */
function createLookup(db: Db, withPolicies: boolean): Lookup {
  const query = verificationQuery(db, withPolicies);
  const name = withPolicies ? 'platform_verification_record' : 'platform_verification_token';
  if (!isEmbedded(db)) {
    const prepared = query.prepare(name);
    return async (values) => (await prepared.execute(values))[0]?.record ?? null;
  }
  const { sql: text, params } = query.toSQL();
  const order = params.map((param) => {
    const name = (param as { name?: unknown }).name;
    if (typeof name !== 'string' || !Object.hasOwn(PARAMETERS, name)) throw new Error('Unexpected parameter in the verification query');
    return name as Parameter;
  });
  // A promise of its own: a drizzle query runs again every time it is awaited.
  const created = (async () => {
    await db.execute(
      sql.raw(`create or replace function pg_temp.${name}(${order.map((n) => PARAMETERS[n]).join(', ')})
        returns json language plpgsql stable as $verification$
        begin
          return (${text});
        end
        $verification$`),
    );
  })();
  created.catch(() => undefined); // reported to the lookup that awaits it
  return async (values) => {
    await created.catch((error: unknown) => {
      lookups.get(db)?.delete(withPolicies); // try again with the next lookup
      throw error;
    });
    const args = sql.join(
      order.map((name) => sql`${values[name]}`),
      sql`, `,
    );
    const result = (await db.execute(sql`select ${sql.raw(`pg_temp.${name}`)}(${args}) as record`)) as unknown as {
      rows: { record: RecordRow | string | null }[];
    };
    return result.rows[0]?.record ?? null;
  };
}

const lookups = new WeakMap<Db, Map<boolean, Lookup>>();

/** No such function, or not even the session's pg_temp schema it lived in. */
function isMissingSessionFunction(error: unknown): boolean {
  const code = sqlState(error);
  return code === '42883' || code === '3F000';
}

function toOwnerPolicies(rows: PolicyRow[]): OwnerPolicies {
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
 * Everything verification needs, in one round trip: the token by its public ID (with its
 * environments), the account of the requested environment, and the owner's policies unless
 * `withPolicies` is false (the caller has them already).
 */
export async function loadVerificationRecord(
  db: Db,
  publicId: string,
  environmentId: string,
  withPolicies = true,
): Promise<VerificationRecord> {
  let byKind = lookups.get(db);
  if (!byKind) lookups.set(db, (byKind = new Map()));
  const lookup = () => {
    let found = byKind.get(withPolicies);
    if (!found) byKind.set(withPolicies, (found = createLookup(db, withPolicies)));
    return found({ publicId, environmentId });
  };
  const raw = await lookup().catch((error: unknown) => {
    // The session function is gone with its session (the embedded database was reopened): again.
    if (!isMissingSessionFunction(error)) throw error;
    byKind.delete(withPolicies);
    return lookup();
  });
  // An unknown token ends verification; the environment does not matter then.
  if (raw === null) return { token: null, environmentAccountId: null, ownerPolicies: null };
  const row: RecordRow = typeof raw === 'string' ? (JSON.parse(raw) as RecordRow) : raw;
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
      expiresAt: row.expiresAt === null ? null : new Date(row.expiresAt),
      owner,
      ownerKey: ownerKey(row.accountId, owner),
      scopes: new Set(row.scopes),
      appliesToAccount: row.appliesToAccount,
      environmentIds: new Set(row.environmentIds),
      lastUsedAt: row.lastUsedAt === null ? null : new Date(row.lastUsedAt),
      clientAddresses: clientAddressMatcher(row.allowedClientAddresses),
    },
    environmentAccountId: row.environmentAccountId,
    ownerPolicies: row.policies === null ? null : toOwnerPolicies(row.policies),
  };
}
