import { PUBLIC_LENGTH, SECRET_LENGTH, TOKEN_LENGTH, TOKEN_PATTERN, TOKEN_PREFIX } from '@/lib/tokens/shape.mjs';
import { unauthorized } from './errors';

// Messages of the 401 answers (PRODUCT.md §7). Unknown, deleted and wrong-secret tokens share one,
// so an answer never tells whether a token ID exists.
export const MESSAGES = {
  missing: "Missing token: send the header 'Authorization: Bearer <token>'.",
  notBearer: "The Authorization header must have the form 'Bearer <token>'.",
  malformed: `Malformed token: expected ${TOKEN_PREFIX}.<${PUBLIC_LENGTH} characters>.<${SECRET_LENGTH} characters>, of the letters A-Z and digits 0-9.`,
  badChecksum: 'Invalid token: its checksum does not match. Check that it was copied completely.',
  invalid: 'Invalid token: it is unknown, was deleted, or its secret does not match.',
} as const;

const BEARER = /^[Bb][Ee][Aa][Rr][Ee][Rr] +([!-~]+)$/;
// Room for the scheme, spaces and a token; anything longer is refused before any pattern runs.
const MAX_HEADER_LENGTH = TOKEN_LENGTH + 64;

/**
 * The token of an `Authorization: Bearer <token>` header and its public ID, checked for shape only
 * (the checksum is the verifier's next step). Throws the 401 that fits what is wrong.
 */
export function bearerToken(header: string | null): { token: string; publicId: string } {
  // The usual header, exactly 'Bearer <token>': one pattern over the token and nothing else.
  if (header !== null && header.length === TOKEN_LENGTH + 7 && header.startsWith('Bearer ')) {
    const token = header.slice(7);
    const shape = TOKEN_PATTERN.exec(token);
    if (shape) return { token, publicId: shape[1] ?? '' };
  }
  if (header === null) throw unauthorized(MESSAGES.missing);
  // Length first, so that no pattern ever runs over a huge value.
  if (header.length > MAX_HEADER_LENGTH) throw unauthorized(MESSAGES.malformed);
  // Only HTTP whitespace (space, tab) is trimmed; anything else around the token is refused.
  const value = header.replace(/^[ \t]+|[ \t]+$/g, '');
  if (value === '') throw unauthorized(MESSAGES.missing);
  const match = BEARER.exec(value);
  if (!match) throw unauthorized(/^bearer([ \t]|$)/i.test(value) ? MESSAGES.malformed : MESSAGES.notBearer);
  const token = match[1] ?? '';
  const shape = TOKEN_PATTERN.exec(token);
  if (!shape) throw unauthorized(MESSAGES.malformed);
  return { token, publicId: shape[1] ?? '' };
}
