import type { Change } from '@/lib/changes';
import { policiesInEffect } from '@/lib/iam/policies-in-effect';
import { grantedPermissions, type PermissionSummary, type PolicyInEffect } from '@/lib/iam/policy-evaluator';
import { ownerKey, type OwnerPolicies, type TokenRecord, type VerificationRecord } from './verification-record';

// What an instance remembers between API calls: token records by public ID, the owners' policies,
// and the account of each environment. Changes of this instance arrive through onChanges right
// after commit, those of other instances through LISTEN; the time-to-live bounds how stale an
// entry can get when a notification is lost. While the listener is down (on PostgreSQL), nothing
// is served from memory, because notifications may be missing.

export interface CachedOwner extends OwnerPolicies {
  accountId: string;
  /** Per environment: the policies in effect there and what they grant, computed once. */
  byEnvironment: Map<string, { policies: PolicyInEffect[]; summary: PermissionSummary }>;
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
  /** False until the change listener has connected (PostgreSQL); true where no other instance can exist. */
  trusted?: boolean;
  clock?: () => number;
}

export class VerificationCache {
  private readonly tokens = new Map<string, Entry<TokenRecord | null>>();
  private readonly owners = new Map<string, Entry<CachedOwner>>();
  private readonly environments = new Map<string, Entry<string | null>>();
  private readonly ttlMs: number;
  private readonly negativeTtlMs: number;
  private readonly maxEntries: number;
  private readonly clock: () => number;
  private trusted: boolean;
  /** Bumped by every invalidation, so that a lookup that raced with a change is not stored. */
  private generation = 0;

  constructor(options: VerificationCacheOptions) {
    this.ttlMs = options.ttlMs;
    this.negativeTtlMs = Math.min(options.negativeTtlMs ?? 5_000, options.ttlMs);
    this.maxEntries = options.maxEntries ?? 50_000;
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
    return this.read(this.tokens, publicId);
  }

  owner(accountId: string, token: TokenRecord): CachedOwner | undefined {
    return this.read(this.owners, ownerKey(accountId, token.owner)) ?? undefined;
  }

  environmentAccount(environmentId: string): string | null | undefined {
    return this.read(this.environments, environmentId);
  }

  /** Stores what one lookup found, unless a change was applied since `generation` was read. */
  store(publicId: string, environmentId: string, record: VerificationRecord, generation: number): void {
    if (!this.trusted || generation !== this.generation) return;
    const now = this.clock();
    const { token } = record;
    this.write(this.tokens, publicId, token, now + (token ? this.ttlMs : this.negativeTtlMs));
    if (!token || !record.ownerPolicies) return;
    this.write(
      this.environments,
      environmentId,
      record.environmentAccountId,
      now + (record.environmentAccountId ? this.ttlMs : this.negativeTtlMs),
    );
    const owner: CachedOwner = { ...record.ownerPolicies, accountId: token.accountId, byEnvironment: new Map() };
    this.write(this.owners, ownerKey(token.accountId, token.owner), owner, now + this.ttlMs);
  }

  apply(changes: readonly Change[]): void {
    this.generation++;
    for (const change of changes) {
      if (change.kind === 'token') {
        this.tokens.delete(change.publicId);
        continue;
      }
      const { accountId } = change;
      for (const [key, entry] of this.tokens) if (entry.value?.accountId === accountId) this.tokens.delete(key);
      for (const [key, entry] of this.owners) if (entry.value.accountId === accountId) this.owners.delete(key);
      for (const [key, entry] of this.environments) if (entry.value === accountId) this.environments.delete(key);
    }
  }

  clear(): void {
    this.generation++;
    this.tokens.clear();
    this.owners.clear();
    this.environments.clear();
  }

  get size(): { tokens: number; owners: number; environments: number } {
    return { tokens: this.tokens.size, owners: this.owners.size, environments: this.environments.size };
  }

  private read<T>(map: Map<string, Entry<T>>, key: string): T | undefined {
    if (!this.trusted) return undefined;
    const entry = map.get(key);
    if (!entry) return undefined;
    if (entry.until <= this.clock()) {
      map.delete(key);
      return undefined;
    }
    return entry.value;
  }

  private write<T>(map: Map<string, Entry<T>>, key: string, value: T, until: number): void {
    map.delete(key);
    // Oldest first: a Map iterates in insertion order, and a rewrite moves the key to the end.
    if (map.size >= this.maxEntries) {
      const oldest = map.keys().next();
      if (!oldest.done) map.delete(oldest.value);
    }
    map.set(key, { value, until });
  }
}

/** The policies of the owner that apply in the environment and what they grant, memoised per entry. */
export function ownerInEnvironment(
  owner: CachedOwner,
  environmentId: string,
): { policies: PolicyInEffect[]; summary: PermissionSummary } {
  let hit = owner.byEnvironment.get(environmentId);
  if (!hit) {
    const policies = policiesInEffect(owner.bindings, environmentId).map((id) => owner.policies.get(id)!);
    hit = { policies, summary: grantedPermissions(policies) };
    owner.byEnvironment.set(environmentId, hit);
  }
  return hit;
}
