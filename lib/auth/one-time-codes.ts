import { createHash, randomBytes } from 'node:crypto';

// The codes of invitation and password-reset links: 32 random bytes, base64url (43 characters).
// Like a token's secret, only the SHA-256 of a code is stored, so neither the database nor a
// backup can hand out a working link.

const CODE = /^[A-Za-z0-9_-]{43}$/;

export function newOneTimeCode(): { code: string; codeHash: string } {
  const code = randomBytes(32).toString('base64url');
  return { code, codeHash: hashOneTimeCode(code) };
}

export function hashOneTimeCode(code: string): string {
  return createHash('sha256').update(code, 'utf8').digest('hex');
}

/** Whether a string has the shape of a code; anything else is refused without a lookup. */
export function isOneTimeCode(value: unknown): value is string {
  return typeof value === 'string' && CODE.test(value);
}
