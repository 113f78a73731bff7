import { hash, timingSafeEqual } from 'node:crypto';
import type { Db } from '@/lib/db';
import type { Principal } from '@/lib/iam/effective-permissions';
import type { Decision, PermissionSummary, RequestAttributes } from '@/lib/iam/policy-evaluator';
import { allowsClient, clientNotAllowedMessage } from '@/lib/tokens/client-address-matcher';
import { isExpired } from '@/lib/tokens/expiration';
import { parseToken } from '@/lib/tokens/format';
import { bearerToken, MESSAGES } from './bearer';
import { badRequest, forbidden, unauthorized } from './errors';
import { decide, ownerInEnvironment, type CachedOwner, type OwnerAccess, type VerificationCache } from './verification-cache';
import { loadVerificationRecord, type TokenRecord } from './verification-record';

// Bearer verification, in the order of the product contract: header and scheme → format and
// checksum → lookup by public ID → constant-time comparison of the hash → status and expiry →
// the caller's address within the token's allowed client addresses →
// environment within the token's reach and account → scope → the owner's live permission.
//
// One shortcut keeps the warm path at one SHA-256: when the public ID is already cached, the
// full hash comparison decides at once, and the checksum is computed only to word a refusal.
// Answers are the same as in the strict order, and a bad checksum never reaches the database.
//
// An unknown public ID is refused after the same work as a known one with a wrong secret (the
// hash, a constant-time comparison, the checksum for the wording), from memory or after a lookup
// alike, so that the time of a refusal does not tell whether a token ID exists.

/** A request whose token passed every check up to the scopes of its endpoint. */
export interface VerifiedToken {
  token: TokenRecord;
  environmentId: string;
  accountId: string;
  owner: Principal;
  /** The owner's policies in effect in this environment, and what they grant. */
  access: OwnerAccess;
}

export interface VerifyRequest {
  /** The Authorization header as received, or null. */
  authorization: string | null;
  environmentId: string;
  /** Every scope the endpoint needs; the owner must hold each as a permission (at least for some requests). */
  scopes: readonly string[];
  now: Date;
  /** The caller's address (clientIp: TRUST_PROXY rules); unknown (null or absent) passes only tokens without "Allowed client addresses". */
  clientAddress?: string | null;
}

export interface VerifierDeps {
  getDb: () => Promise<Db>;
  cache: VerificationCache;
}

const MAX_SHOWN_ENVIRONMENT = 100;

function shown(environmentId: string): string {
  return environmentId.length > MAX_SHOWN_ENVIRONMENT ? `${environmentId.slice(0, MAX_SHOWN_ENVIRONMENT)}…` : environmentId;
}

export function missingScopeMessage(scope: string): string {
  return `Missing scope '${scope}': the token was not generated with it.`;
}

export function ownerLacksMessage(permission: string, environmentId: string, decision?: Decision): string {
  const why = decision?.decidedBy?.effect === 'DENY' ? 'a policy denies it' : 'no policy grants it';
  return `The token's owner lacks the permission '${permission}' in environment '${shown(environmentId)}' (${why}).`;
}

/** The refusal for a token whose secret did not match: worded by whether its checksum holds. */
function invalid(token: string) {
  return unauthorized(parseToken(token) ? MESSAGES.invalid : MESSAGES.badChecksum);
}

// Compared against when the public ID is unknown. No token hashes to it: a SHA-256 of all zeros
// would be a preimage nobody can find.
const UNKNOWN_TOKEN_HASH = Buffer.alloc(32);

/**
 * Whether the presented token hashes to the stored hash, compared in constant time; for an
 * unknown token (null) the same hash and comparison run against a hash no token has.
 */
export function secretMatches(token: string, secretHash: Buffer | null): boolean {
  const actual = hash('sha256', token, 'buffer');
  const known = secretHash !== null && secretHash.length === actual.length;
  const equal = timingSafeEqual(actual, known ? secretHash : UNKNOWN_TOKEN_HASH);
  return known && equal;
}

/** The refusal of an unknown public ID, after the work a known one with a wrong secret costs. */
function unknownToken(token: string) {
  secretMatches(token, null);
  return invalid(token);
}

/**
 * What holds of a token whose secret matched, wherever it is used: not disabled, not expired, and
 * called from one of its allowed client addresses (unknown passes only a token without any).
 */
function checkUsable(record: TokenRecord, now: Date, clientAddress: string | null | undefined): void {
  if (record.status === 'disabled') throw unauthorized(`The token ${record.tokenId} is disabled.`);
  if (record.expiresAt && isExpired(record.expiresAt, now)) {
    throw forbidden(`The token ${record.tokenId} expired at ${record.expiresAt.toISOString()}.`);
  }
  // Most tokens name no addresses: then nothing more is done here.
  if (record.clientAddresses !== null && !allowsClient(record.clientAddresses, clientAddress ?? null)) {
    throw forbidden(clientNotAllowedMessage(record.tokenId, clientAddress ?? null));
  }
}

/** Everything after the lookup: the secret, status and expiry, environment, scopes and owner. */
function check(
  token: string,
  record: TokenRecord,
  owner: CachedOwner,
  environmentAccountId: string | null,
  request: VerifyRequest,
): VerifiedToken {
  if (!secretMatches(token, record.secretHash)) throw invalid(token);
  checkUsable(record, request.now, request.clientAddress);
  const { environmentId } = request;
  // An unknown environment and another account's look the same, so neither reveals it exists.
  if (environmentAccountId !== record.accountId || (!record.appliesToAccount && !record.environmentIds.has(environmentId))) {
    throw forbidden(`The token ${record.tokenId} does not apply to environment '${shown(environmentId)}'.`);
  }
  const access = ownerInEnvironment(owner, environmentId);
  checkScopes(record.scopes, access, environmentId, request.scopes);
  return { token: record, environmentId, accountId: record.accountId, owner: record.owner, access };
}

/** Each scope in the token, then each held by the owner here at least for some requests (403 naming the first missing). */
function checkScopes(tokenScopes: ReadonlySet<string>, access: OwnerAccess, environmentId: string, scopes: readonly string[]): void {
  for (const scope of scopes) {
    if (!tokenScopes.has(scope)) throw forbidden(missingScopeMessage(scope));
  }
  for (const scope of scopes) {
    if (!access.summary.granted.has(scope) && !access.summary.conditionallyGranted.has(scope)) {
      throw forbidden(ownerLacksMessage(scope, environmentId, decide(access, scope)));
    }
  }
}

/** The scope checks of verification, for a call made with an already verified token (a workflow task's endpoint). */
export function requireScopes(verified: VerifiedToken, scopes: readonly string[]): void {
  checkScopes(verified.token.scopes, verified.access, verified.environmentId, scopes);
}

/** A request to an account-level endpoint (PRODUCT.md §12): the account named in its path. */
export interface VerifyAccountRequest {
  authorization: string | null;
  accountId: string;
  scopes: readonly string[];
  now: Date;
  /** The caller's address, as for VerifyRequest. */
  clientAddress?: string | null;
}

// An account-level call consults no environment's policies: the owner's live rights there are
// being an admin of the account now, which the endpoint checks (services/account-access.ts).
const NO_POLICIES: OwnerAccess = { policies: [], summary: { granted: new Set(), conditionallyGranted: new Set() }, rules: new Map() };

export class Verifier {
  constructor(private readonly deps: VerifierDeps) {}

  /**
   * Verification from memory alone: the verified token, a refusal (thrown), or undefined when
   * something it needs is not cached and `verify` must look it up.
   */
  verifyCached(request: VerifyRequest): VerifiedToken | undefined {
    const { token, publicId } = bearerToken(request.authorization);
    const hit = this.deps.cache.lookup(publicId, request.environmentId);
    // Remembered as unknown: the answer is the same as after a lookup.
    if (hit.token === null) throw unknownToken(token);
    if (!hit.token || !hit.owner || hit.environmentAccountId === undefined) return undefined;
    return check(token, hit.token, hit.owner, hit.environmentAccountId, request);
  }

  /**
   * The one environment a token reaches, for a call at the portal's root (/platform/...) that
   * names none: the token's secret is checked first, so nothing is said about a token one does
   * not hold, then that it is usable (status, expiry, client address); `beforeLookup` runs before
   * the database is asked. 400 for a token that reaches several environments or every one of its
   * account.
   */
  async soleEnvironment(
    authorization: string | null,
    now: Date,
    clientAddress: string | null,
    beforeLookup: () => void = () => undefined,
  ): Promise<string> {
    const { token, publicId } = bearerToken(authorization);
    let record = this.deps.cache.token(publicId);
    if (record === undefined) {
      if (!parseToken(token)) throw unauthorized(MESSAGES.badChecksum);
      beforeLookup();
      record = (await loadVerificationRecord(await this.deps.getDb(), publicId, '', false)).token;
    }
    if (!record) throw unknownToken(token);
    if (!secretMatches(token, record.secretHash)) throw invalid(token);
    checkUsable(record, now, clientAddress);
    const [only, ...more] = [...record.environmentIds];
    if (record.appliesToAccount || !only || more.length > 0) {
      throw badRequest(
        `The token ${record.tokenId} reaches ${record.appliesToAccount ? 'every environment of its account' : more.length > 0 ? 'several environments' : 'no environment'}: name the environment, with /e/<environmentId>/platform/... or the host <environmentId>.<platform domain>.`,
      );
    }
    return only;
  }

  async verify(request: VerifyRequest): Promise<VerifiedToken> {
    const cached = this.verifyCached(request);
    if (cached) return cached;
    const { token, publicId } = bearerToken(request.authorization);
    const { cache } = this.deps;
    if (!cache.token(publicId) && !parseToken(token)) throw unauthorized(MESSAGES.badChecksum);
    const db = await this.deps.getDb();
    // The owner's policies are shared by all of the owner's tokens: when they are cached, only
    // the token itself is read.
    let withPolicies = cache.knownOwner(publicId) === undefined;
    for (;;) {
      const generation = cache.currentGeneration;
      const loaded = await loadVerificationRecord(db, publicId, request.environmentId, withPolicies);
      const owner = cache.store(publicId, request.environmentId, loaded, generation);
      if (!loaded.token) throw unknownToken(token);
      if (owner) return check(token, loaded.token, owner, loaded.environmentAccountId, request);
      // The cached policies went away meanwhile (a change, or their time was up): read them too.
      withPolicies = true;
    }
  }
}

/**
 * Verification for an account-level endpoint, always against the database (these calls are rare,
 * and a revocation then holds at once): header → checksum → lookup → hash → status and expiry →
 * the token's account is the one in the path and it applies to the whole account → its scopes.
 */
export async function verifyForAccount(db: Db, request: VerifyAccountRequest): Promise<VerifiedToken> {
  const { token, publicId } = bearerToken(request.authorization);
  if (!parseToken(token)) throw unauthorized(MESSAGES.badChecksum);
  const loaded = await loadVerificationRecord(db, publicId, '', false);
  if (!loaded.token) throw unknownToken(token);
  const record = loaded.token;
  if (!secretMatches(token, record.secretHash)) throw invalid(token);
  checkUsable(record, request.now, request.clientAddress);
  // An unknown account and another account's look the same.
  if (record.accountId !== request.accountId) {
    throw forbidden(`The token ${record.tokenId} does not belong to account '${shown(request.accountId)}'.`);
  }
  if (!record.appliesToAccount) {
    throw forbidden(`The token ${record.tokenId} applies to chosen environments only; account management needs a token that applies to the whole account.`);
  }
  for (const scope of request.scopes) {
    if (!record.scopes.has(scope)) throw forbidden(missingScopeMessage(scope));
  }
  return { token: record, environmentId: '', accountId: record.accountId, owner: record.owner, access: NO_POLICIES };
}

/** Whether the owner's policies allow the permission for a request with these attributes. */
export function ownerDecision(verified: VerifiedToken, permission: string, attributes: RequestAttributes = {}): Decision {
  return decide(verified.access, permission, attributes);
}

/** What the owner's policies in effect here grant, regardless of request attributes. */
export function ownerSummary(verified: VerifiedToken): PermissionSummary {
  return verified.access.summary;
}

/** Refuses (403) unless the token has the scope and its owner the permission for this request. */
export function requirePermission(verified: VerifiedToken, scope: string, attributes: RequestAttributes = {}): void {
  if (!verified.token.scopes.has(scope)) throw forbidden(missingScopeMessage(scope));
  const decision = decide(verified.access, scope, attributes);
  if (!decision.allowed) throw forbidden(ownerLacksMessage(scope, verified.environmentId, decision));
}
