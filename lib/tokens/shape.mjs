// The shape of a platform token (PRODUCT.md §4): dt0s16.<PUBLIC 24>.<SECRET 64>, both parts of the
// letters A-Z and digits 0-9, the last 6 characters of SECRET a checksum (lib/tokens/format.ts).
// Plain JavaScript without dependencies, so that the browser bundle, the server and plain Node
// scripts (scripts/scan-secrets.mjs) all read the one definition.

export const TOKEN_PREFIX = 'dt0s16';
export const PUBLIC_LENGTH = 24;
export const SECRET_LENGTH = 64;
export const CHECKSUM_LENGTH = 6;
/** The random part of SECRET, before its checksum. */
export const SECRET_RANDOM_LENGTH = SECRET_LENGTH - CHECKSUM_LENGTH;
/** `dt0s16.<PUBLIC>`: what tables, dialogs, logs and audit events show. */
export const TOKEN_ID_LENGTH = TOKEN_PREFIX.length + 1 + PUBLIC_LENGTH;
export const TOKEN_LENGTH = TOKEN_ID_LENGTH + 1 + SECRET_LENGTH;
export const TOKEN_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A whole token; group 1 is PUBLIC, group 2 SECRET. Exact case: a token is never case-folded. */
export const TOKEN_PATTERN = new RegExp(`^${TOKEN_PREFIX}\\.([A-Z0-9]{${PUBLIC_LENGTH}})\\.([A-Z0-9]{${SECRET_LENGTH}})$`);
/** A token ID, `dt0s16.<PUBLIC>`. */
export const TOKEN_ID_PATTERN = new RegExp(`^${TOKEN_PREFIX}\\.[A-Z0-9]{${PUBLIC_LENGTH}}$`);

// A token ID followed by a dot and token characters, in any case and of any length: a secret
// copied in part, with extra characters, or case-folded still gives most of it away.
const SECRET_IN_TEXT = `(${TOKEN_PREFIX}\\.[A-Z0-9]{${PUBLIC_LENGTH}})\\.[A-Z0-9]+`;
// A secret on its own: its random part or more of the token alphabet (hashes are lowercase hex).
const BARE_SECRET = `(?<![A-Za-z0-9])[A-Z0-9]{${SECRET_RANDOM_LENGTH},}(?![A-Za-z0-9])`;

/** Text with every token in it cut down to its token ID, so that no secret travels on. */
export function withoutTokenSecrets(text) {
  return text.replace(new RegExp(SECRET_IN_TEXT, 'gi'), '$1');
}

/** The first token secret in text (a whole token, or a bare secret), or null. */
export function findTokenSecret(text) {
  return new RegExp(SECRET_IN_TEXT, 'i').exec(text)?.[0] ?? new RegExp(BARE_SECRET).exec(text)?.[0] ?? null;
}
