import { hash, timingSafeEqual } from 'node:crypto';
import type { Db } from '@/lib/db';
import type { Principal } from '@/lib/iam/effective-permissions';
import {
  evaluatePermission,
  type Decision,
  type PermissionSummary,
  type PolicyInEffect,
  type RequestAttributes,
} from '@/lib/iam/policy-evaluator';
import { parseToken } from '@/lib/tokens/format';
import { bearerToken, MESSAGES } from './bearer';
import { forbidden, unauthorized } from './errors';
import { ownerInEnvironment, type CachedOwner, type VerificationCache } from './verification-cache';
import { loadVerificationRecord, type TokenRecord } from './verification-record';

// Bearer verification, in the order of the product contract: header and scheme → format and
// checksum → lookup by public ID → constant-time comparison of the hash → status and expiry →
// environment within the token's reach and account → scope → the owner's live permission.
//
// One shortcut keeps the warm path at one SHA-256: when the public ID is already cached, the
// full hash comparison decides at once, and the checksum is computed only to word a refusal.
// Answers are the same as in the strict order, and a bad checksum never reaches the database.

/** A request whose token passed every check up to the scopes of its endpoint. */
export interface VerifiedToken {
  token: TokenRecord;
  environmentId: string;
  accountId: string;
  owner: Principal;
  /** The owner's policies in effect in this environment. */
  policies: readonly PolicyInEffect[];
  /** What those policies grant, regardless of request attributes. */
  summary: PermissionSummary;
}

export interface VerifyRequest {
  /** The Authorization header as received, or null. */
  authorization: string | null;
  environmentId: string;
  /** Every scope the endpoint needs; the owner must hold each as a permission (at least for some requests). */
  scopes: readonly string[];
  now: Date;
}

export interface VerifierDeps {
  getDb: () => Promise<Db>;
  cache: VerificationCache;
}

const MAX_SHOWN_ENVIRONMENT = 100;

function shown(environmentId: string): string {
  return environmentId.length > MAX_SHOWN_ENVIRONMENT ? `${environmentId.slice(0, MAX_SHOWN_ENVIRONMENT)}…` : environmentId;
}

function sameHash(token: string, expected: Buffer): boolean {
  const actual = hash('sha256', token, 'buffer');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export function missingScopeMessage(scope: string): string {
  return `Missing scope '${scope}': the token was not generated with it.`;
}

export function ownerLacksMessage(permission: string, environmentId: string, decision?: Decision): string {
  const why = decision?.decidedBy?.effect === 'DENY' ? 'a policy denies it' : 'no policy grants it';
  return `The token's owner lacks the permission '${permission}' in environment '${shown(environmentId)}' (${why}).`;
}

export class Verifier {
  constructor(private readonly deps: VerifierDeps) {}

  async verify(request: VerifyRequest): Promise<VerifiedToken> {
    const { token, publicId } = bearerToken(request.authorization);
    const { cache } = this.deps;
    let record = cache.token(publicId);
    let owner: CachedOwner | undefined;
    let environmentAccountId: string | null | undefined;
    if (record) {
      owner = cache.owner(record.accountId, record);
      environmentAccountId = cache.environmentAccount(request.environmentId);
    }
    if (record === null) {
      // Remembered as unknown: the answer is the same as after a lookup.
      throw unauthorized(parseToken(token) ? MESSAGES.invalid : MESSAGES.badChecksum);
    }
    if (!record || !owner || environmentAccountId === undefined) {
      if (!record && !parseToken(token)) throw unauthorized(MESSAGES.badChecksum);
      const generation = cache.currentGeneration;
      const loaded = await loadVerificationRecord(await this.deps.getDb(), publicId, request.environmentId);
      cache.store(publicId, request.environmentId, loaded, generation);
      if (!loaded.token || !loaded.ownerPolicies) throw unauthorized(MESSAGES.invalid);
      record = loaded.token;
      owner = { ...loaded.ownerPolicies, accountId: record.accountId, byEnvironment: new Map() };
      environmentAccountId = loaded.environmentAccountId;
    }

    if (!sameHash(token, record.secretHash)) {
      throw unauthorized(parseToken(token) ? MESSAGES.invalid : MESSAGES.badChecksum);
    }
    if (record.status === 'disabled') throw unauthorized(`The token ${record.tokenId} is disabled.`);
    if (record.expiresAt && record.expiresAt.getTime() <= request.now.getTime()) {
      throw forbidden(`The token ${record.tokenId} expired at ${record.expiresAt.toISOString()}.`);
    }
    const { environmentId } = request;
    // An unknown environment and another account's look the same, so neither reveals it exists.
    if (
      environmentAccountId !== record.accountId ||
      (!record.appliesToAccount && !record.environmentIds.has(environmentId))
    ) {
      throw forbidden(`The token ${record.tokenId} does not apply to environment '${shown(environmentId)}'.`);
    }
    for (const scope of request.scopes) {
      if (!record.scopes.has(scope)) throw forbidden(missingScopeMessage(scope));
    }
    const { policies, summary } = ownerInEnvironment(owner, environmentId);
    for (const scope of request.scopes) {
      if (!summary.granted.has(scope) && !summary.conditionallyGranted.has(scope)) {
        throw forbidden(ownerLacksMessage(scope, environmentId, evaluatePermission(policies, { permission: scope })));
      }
    }
    return { token: record, environmentId, accountId: record.accountId, owner: record.owner, policies, summary };
  }
}

/** Whether the owner's policies allow the permission for a request with these attributes. */
export function ownerDecision(verified: VerifiedToken, permission: string, attributes: RequestAttributes = {}): Decision {
  return evaluatePermission(verified.policies, { permission, attributes });
}

/** Refuses (403) unless the token has the scope and its owner the permission for this request. */
export function requirePermission(verified: VerifiedToken, scope: string, attributes: RequestAttributes = {}): void {
  if (!verified.token.scopes.has(scope)) throw forbidden(missingScopeMessage(scope));
  const decision = ownerDecision(verified, scope, attributes);
  if (!decision.allowed) throw forbidden(ownerLacksMessage(scope, verified.environmentId, decision));
}
