// A refusal must not tell a known token ID from an unknown one: both are refused with the same
// answer after the same cryptographic work (hash, constant-time comparison, checksum), whether
// the answer comes from memory or after a lookup. Timings are measured in
// bench/verify-timing.bench.ts; here the work itself is counted.
import * as crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { generateToken } from '@/lib/tokens/format';
import { withWrongSecret } from '@/lib/testing/tokens';
import { MESSAGES } from './bearer';
import { PlatformError } from './errors';
import { insertTestToken, type TestToken } from './testing';
import { VerificationCache } from './verification-cache';
import { Verifier, type VerifyRequest } from './verify';

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return {
    ...actual,
    hash: vi.fn(actual.hash),
    createHash: vi.fn(actual.createHash),
    timingSafeEqual: vi.fn(actual.timingSafeEqual),
  };
});

const SCOPE = 'document:documents:read';

describe(`refusing unknown and wrongly guessed tokens alike (${testBackend})`, () => {
  let database: TestDatabase;
  let known: TestToken;

  beforeAll(async () => {
    database = await createTestDatabase();
    known = await insertTestToken(database.db, { owner: 'bob@example.com', scopes: [SCOPE], environmentIds: ['acme-prod'] });
  });
  afterAll(() => database.close());

  const request = (token: string): VerifyRequest => ({
    authorization: `Bearer ${token}`,
    environmentId: 'acme-prod',
    scopes: [SCOPE],
    now: new Date(),
  });
  const spies = [vi.mocked(crypto.hash), vi.mocked(crypto.createHash), vi.mocked(crypto.timingSafeEqual)];
  /** The refusal and the crypto calls it took. */
  const refusal = async (verify: () => unknown) => {
    for (const spy of spies) spy.mockClear();
    const error = await Promise.resolve()
      .then(verify)
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(PlatformError);
    return {
      status: (error as PlatformError).status,
      message: (error as PlatformError).message,
      hash: vi.mocked(crypto.hash).mock.calls.length,
      createHash: vi.mocked(crypto.createHash).mock.calls.length,
      timingSafeEqual: vi.mocked(crypto.timingSafeEqual).mock.calls.length,
    };
  };

  it('does the same work for an unknown ID as for a known ID with a wrong secret, from memory and after a lookup', async () => {
    const cache = new VerificationCache({ ttlMs: 60_000, negativeTtlMs: 60_000 });
    const verifier = new Verifier({ getDb: async () => database.db, cache });
    const unknown = generateToken();
    const wrongSecret = request(withWrongSecret(known.token));
    const unknownId = request(unknown.token);
    await verifier.verify(request(known.token));

    const coldKnown = await refusal(() => {
      cache.apply([{ kind: 'token', publicId: known.publicId }]);
      return verifier.verify(wrongSecret);
    });
    const coldUnknown = await refusal(() => verifier.verify(unknownId));
    expect(coldUnknown).toEqual(coldKnown);
    expect(coldUnknown).toMatchObject({ status: 401, message: MESSAGES.invalid, hash: 1, timingSafeEqual: 1 });

    const warmKnown = await refusal(() => verifier.verifyCached(wrongSecret));
    const warmUnknown = await refusal(() => verifier.verifyCached(unknownId));
    expect(warmUnknown).toEqual(warmKnown);
    expect(warmUnknown).toMatchObject({ status: 401, message: MESSAGES.invalid, hash: 1, timingSafeEqual: 1 });
  });

  it('remembers unknown IDs apart from known tokens, within a bound of their own', async () => {
    const cache = new VerificationCache({ ttlMs: 60_000, negativeTtlMs: 60_000, maxEntries: 50, maxUnknownEntries: 20 });
    const verifier = new Verifier({ getDb: async () => database.db, cache });
    await verifier.verify(request(known.token));
    for (let i = 0; i < 60; i++) {
      const unknown = generateToken();
      await expect(verifier.verify({ ...request(unknown.token), environmentId: `made-up-${i}` })).rejects.toThrow(MESSAGES.invalid);
    }
    // The known token, its owner and environment are still served from memory.
    expect(verifier.verifyCached(request(known.token))?.token.publicId).toBe(known.publicId);
    expect(cache.size).toEqual({ tokens: 1, owners: 1, environments: 1, unknown: 20 });

    // A made-up environment with a real token is remembered as unknown too, within the same bound.
    for (let i = 0; i < 30; i++) {
      await expect(verifier.verify({ ...request(known.token), environmentId: `nowhere-${i}` })).rejects.toThrow(/does not apply/);
    }
    expect(cache.size).toEqual({ tokens: 1, owners: 1, environments: 1, unknown: 20 });
    expect(verifier.verifyCached(request(known.token))?.environmentId).toBe('acme-prod');
  });
});
