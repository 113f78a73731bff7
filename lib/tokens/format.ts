import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  CHECKSUM_LENGTH,
  PUBLIC_LENGTH,
  SECRET_RANDOM_LENGTH,
  TOKEN_ALPHABET,
  TOKEN_ID_LENGTH,
  TOKEN_ID_PATTERN,
  TOKEN_LENGTH,
  TOKEN_PATTERN,
  TOKEN_PREFIX,
} from './shape.mjs';

export { PUBLIC_LENGTH, TOKEN_PREFIX } from './shape.mjs';

// Token format of PRODUCT.md §4: dt0s16.<PUBLIC>.<SECRET>, both parts [A-Z0-9] (./shape.mjs).
//
// Checksum: the last 6 characters of SECRET are
//   base36( uint48(first 6 bytes of SHA-256("dt0s16.<PUBLIC>.<SECRET[0..58]>"), big-endian) mod 36^6 )
// left-padded with '0' to 6 characters, in the alphabet below. Any change to the covered text
// (a changed character, a transposition) passes with probability about 36^-6 (≈ 4.6e-10).

const ALPHABET: readonly string[] = Array.from(TOKEN_ALPHABET);
// Largest multiple of 36 that fits in a byte: bytes >= 252 are discarded so that v % 36 is uniform.
const BYTE_LIMIT = 252;
const CHECKSUM_MODULUS = 36 ** CHECKSUM_LENGTH;

export interface GeneratedToken {
  token: string;
  /** The 24 characters of PUBLIC. */
  publicId: string;
  /** 'dt0s16.' + publicId: what tables, dialogs, logs and audit events show. */
  tokenId: string;
  /** hashToken(token): the only thing stored about the secret. */
  secretHash: string;
}

export type ParsedToken = { publicId: string; tokenId: string; secret: string };

function randomAlphanumeric(length: number): string {
  let out = '';
  while (out.length < length) {
    // A few spare bytes so that one call almost always suffices despite rejections (~1.6%).
    const bytes = randomBytes(length - out.length + 8);
    for (const byte of bytes) {
      if (byte >= BYTE_LIMIT) continue;
      out += ALPHABET[byte % 36] ?? '';
      if (out.length === length) break;
    }
  }
  return out;
}

function checksum(publicId: string, secretRandom: string): string {
  const digest = createHash('sha256').update(`${TOKEN_PREFIX}.${publicId}.${secretRandom}`).digest();
  let value = digest.readUIntBE(0, 6) % CHECKSUM_MODULUS;
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = (ALPHABET[value % 36] ?? '') + out;
    value = Math.floor(value / 36);
  }
  return out;
}

export function formatTokenId(publicId: string): string {
  return `${TOKEN_PREFIX}.${publicId}`;
}

export function isTokenId(s: string): boolean {
  return typeof s === 'string' && s.length === TOKEN_ID_LENGTH && TOKEN_ID_PATTERN.test(s);
}

// Plain SHA-256 is enough here (no slow KDF): the secret carries ~300 random bits, so there is
// nothing to brute-force, and verification must stay cheap on every API call.
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function verifyTokenHash(token: string, storedHash: string): boolean {
  const actual = Buffer.from(hashToken(token), 'utf8');
  const expected = Buffer.from(storedHash.toLowerCase(), 'utf8');
  if (actual.length !== expected.length) return false;
  return timingSafeEqual(actual, expected);
}

/** The whole token of a public ID and the random part of a secret, its checksum appended. */
export function composeToken(publicId: string, secretRandom: string): string {
  return `${formatTokenId(publicId)}.${secretRandom}${checksum(publicId, secretRandom)}`;
}

export function generateToken(): GeneratedToken {
  const publicId = randomAlphanumeric(PUBLIC_LENGTH);
  const token = composeToken(publicId, randomAlphanumeric(SECRET_RANDOM_LENGTH));
  return { token, publicId, tokenId: formatTokenId(publicId), secretHash: hashToken(token) };
}

/** Null for anything that is not exactly a well-formed token with a valid checksum. Never throws. */
export function parseToken(raw: unknown): ParsedToken | null {
  if (typeof raw !== 'string' || raw.length !== TOKEN_LENGTH) return null;
  const match = TOKEN_PATTERN.exec(raw);
  if (!match) return null;
  const [, publicId, secret] = match;
  if (publicId === undefined || secret === undefined) return null;
  const expected = checksum(publicId, secret.slice(0, SECRET_RANDOM_LENGTH));
  if (secret.slice(SECRET_RANDOM_LENGTH) !== expected) return null;
  return { publicId, tokenId: formatTokenId(publicId), secret };
}
