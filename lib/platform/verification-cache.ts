import type { Change } from '@/lib/changes';
import { policiesInEffect } from '@/lib/iam/policies-in-effect';
import {
  evaluatePermission,
  grantedPermissions,
  type Decision,
  type PermissionSummary,
  type PolicyInEffect,
  type RequestAttributes,
} from '@/lib/iam/policy-evaluator';
import type { OwnerPolicies, TokenRecord, VerificationRecord } from './verification-record';

// What an instance remembers between API calls: token records by public ID, the owners' policies,
// and the account of each environment. Changes of this instance arrive through onChanges right
// after commit, those of other instances through LISTEN; the time-to-live bounds how stale an
// entry can get when a notification is lost. While the listener is down (on PostgreSQL), nothing
// is served from memory, because notifications may be missing. Unknown public IDs and
// environments are remembered apart from known ones, in a smaller map of their own: anyone can
// make up IDs, and a flood of them must neither grow memory nor push out the tokens in use.

/** The owner's policies in effect in one environment, with what each permission needs, computed once. */
export interface OwnerAccess {
  policies: PolicyInEffect[];
  summary: PermissionSummary;
  /**
   * Per permission: the decision, when no statement naming it has conditions (so it is the same
   * for every request), or else the policies to evaluate with each request's attributes.
   */
  rules: Map<string, { decision: Decision } | { policies: PolicyInEffect[] }>;
}

export interface CachedOwner extends OwnerPolicies {
  accountId: string;
  byEnvironment: Map<string, OwnerAccess>;
}

interface Entry<T> {
  value: T;
  until: number;
}

export interface VerificationCacheOptions {
  /** Hard bound on an entry's age (config().cacheTtlMs). */
  ttlMs: number;
  /** How long an unknown public ID or environment is remembered. */
  negativeTtlMs?: number;
  maxEntries?: number;
  /** How many unknown public IDs and environments are remembered at most (oldest go first). */
  maxUnknownEntries?: number;
  /** False until the change listener has connected (PostgreSQL); true where no other instance can exist. */
  trusted?: boolean;
  clock?: () => number;
}

export class VerificationCache {
  private readonly tokens = new Map<string, Entry<TokenRecord>>();
  private readonly owners = new Map<string, Entry<CachedOwner>>();
  private readonly environments = new Map<string, Entry<string>>();
  /** Unknown public IDs (`token:…`) and environments (`environment:…`). */
  private readonly unknown = new Map<string, Entry<null>>();
  /** The owner key of each token seen: a token's account and owner never change, so no change removes it. */
  private readonly tokenOwners = new Map<string, Entry<string>>();
  private readonly ttlMs: number;
  private readonly negativeTtlMs: number;
  private readonly maxEntries: number;
  private readonly maxUnknownEntries: number;
  private readonly clock: () => number;
  private trusted: boolean;
  /** Bumped by every invalidation, so that a lookup that raced with a change is not stored. */
  private generation = 0;

  constructor(options: VerificationCacheOptions) {
    this.ttlMs = options.ttlMs;
    this.negativeTtlMs = Math.min(options.negativeTtlMs ?? 5_000, options.ttlMs);
    this.maxEntries = options.maxEntries ?? 50_000;
    this.maxUnknownEntries = options.maxUnknownEntries ?? 5_000;
    this.trusted = options.trusted ?? true;
    this.clock = options.clock ?? Date.now;
  }

  /** The current generation; pass it to `store` so that a lookup older than a change is dropped. */
  get currentGeneration(): number {
    return this.generation;
  }

  get isTrusted(): boolean {
    return this.trusted;
  }

  /** Whether entries may be served: false while change notifications may be getting lost. */
  setTrusted(trusted: boolean): void {
    this.clear();
    this.trusted = trusted;
  }

  token(publicId: string): TokenRecord | null | undefined {
    return this.readToken(publicId, this.clock());
  }

  /** In one pass, what a warm verification needs; each part is undefined when not cached. */
  lookup(
    publicId: string,
    environmentId: string,
  ): { token: TokenRecord | null | undefined; owner?: CachedOwner; environmentAccountId?: string | null } {
    const now = this.clock();
    const token = this.readToken(publicId, now);
    if (!token) return { token };
    const environmentAccountId = this.read(this.environments, environmentId, now) ?? this.read(this.unknown, `environment:${environmentId}`, now);
    return { token, owner: this.read(this.owners, token.ownerKey, now), environmentAccountId };
  }

  /** The cached policies of the token's owner, when the token was seen before and they are cached. */
  knownOwner(publicId: string): CachedOwner | undefined {
    const key = this.tokenOwners.get(publicId)?.value;
    return key ? this.read(this.owners, key, this.clock()) : undefined;
  }

  /**
   * Stores what one lookup found, unless a change was applied since `generation` was read.
   * Returns the owner's cache entry (from the lookup, or the one already cached).
   */
  store(publicId: string, environmentId: string, record: VerificationRecord, generation: number): CachedOwner | undefined {
    const { token } = record;
    const fresh: CachedOwner | undefined =
      token && record.ownerPolicies ? { ...record.ownerPolicies, accountId: token.accountId, byEnvironment: new Map() } : undefined;
    if (!this.trusted || generation !== this.generation) return fresh;
    const now = this.clock();
    if (!token) {
      this.tokens.delete(publicId);
      this.write(this.unknown, `token:${publicId}`, null, now + this.negativeTtlMs, this.maxUnknownEntries);
      return undefined;
    }
    this.unknown.delete(`token:${publicId}`);
    this.write(this.tokens, publicId, token, now + this.ttlMs);
    this.write(this.tokenOwners, publicId, token.ownerKey, Infinity);
    if (record.environmentAccountId) {
      this.unknown.delete(`environment:${environmentId}`);
      this.write(this.environments, environmentId, record.environmentAccountId, now + this.ttlMs);
    } else {
      this.environments.delete(environmentId);
      this.write(this.unknown, `environment:${environmentId}`, null, now + this.negativeTtlMs, this.maxUnknownEntries);
    }
    const key = token.ownerKey;
    if (fresh) this.write(this.owners, key, fresh, now + this.ttlMs);
    return fresh ?? this.read(this.owners, key, now);
  }

  apply(changes: readonly Change[]): void {
    this.generation++;
    for (const change of changes) {
      if (change.kind === 'token') {
        this.tokens.delete(change.publicId);
        this.unknown.delete(`token:${change.publicId}`);
        continue;
      }
      const { accountId } = change;
      if (change.kind === 'environment') this.environments.delete(change.environmentId);
      for (const [key, entry] of this.tokens) if (entry.value?.accountId === accountId) this.tokens.delete(key);
      for (const [key, entry] of this.owners) if (entry.value.accountId === accountId) this.owners.delete(key);
      for (const [key, entry] of this.environments) if (entry.value === accountId) this.environments.delete(key);
    }
  }

  clear(): void {
    this.generation++;
    this.tokenOwners.clear();
    this.tokens.clear();
    this.owners.clear();
    this.environments.clear();
    this.unknown.clear();
  }

  get size(): { tokens: number; owners: number; environments: number; unknown: number } {
    return { tokens: this.tokens.size, owners: this.owners.size, environments: this.environments.size, unknown: this.unknown.size };
  }

  private readToken(publicId: string, now: number): TokenRecord | null | undefined {
    return this.read(this.tokens, publicId, now) ?? this.read(this.unknown, `token:${publicId}`, now);
  }

  private read<T>(map: Map<string, Entry<T>>, key: string, now: number): T | undefined {
    if (!this.trusted) return undefined;
    const entry = map.get(key);
    if (!entry) return undefined;
    if (entry.until <= now) {
      map.delete(key);
      return undefined;
    }
    return entry.value;
  }

  private write<T>(map: Map<string, Entry<T>>, key: string, value: T, until: number, maxEntries = this.maxEntries): void {
    map.delete(key);
    // Oldest first: a Map iterates in insertion order, and a rewrite moves the key to the end.
    if (map.size >= maxEntries) {
      const oldest = map.keys().next();
      if (!oldest.done) map.delete(oldest.value);
    }
    map.set(key, { value, until });
  }
}

/** The owner's access in the environment, memoised per cache entry. */
export function ownerInEnvironment(owner: CachedOwner, environmentId: string): OwnerAccess {
  let access = owner.byEnvironment.get(environmentId);
  if (!access) {
    const policies = policiesInEffect(owner.bindings, environmentId).map((id) => owner.policies.get(id)!);
    access = { policies, summary: grantedPermissions(policies), rules: new Map() };
    owner.byEnvironment.set(environmentId, access);
  }
  return access;
}

/** evaluatePermission over the owner's policies, without re-reading statements that cannot matter. */
export function decide(access: OwnerAccess, permission: string, attributes: RequestAttributes = {}): Decision {
  let rule = access.rules.get(permission);
  if (!rule) {
    const relevant = access.policies.filter((p) => p.statements.some((s) => s.permissions.includes(permission)));
    const conditional = relevant.some((p) => p.statements.some((s) => s.permissions.includes(permission) && s.conditions.length > 0));
    rule = conditional ? { policies: relevant } : { decision: evaluatePermission(relevant, { permission }) };
    access.rules.set(permission, rule);
  }
  return 'decision' in rule ? rule.decision : evaluatePermission(rule.policies, { permission, attributes });
}
