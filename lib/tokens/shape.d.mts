export declare const TOKEN_PREFIX: 'dt0s16';
export declare const PUBLIC_LENGTH: 24;
export declare const SECRET_LENGTH: 64;
export declare const CHECKSUM_LENGTH: 6;
/** The random part of SECRET, before its checksum. */
export declare const SECRET_RANDOM_LENGTH: number;
/** `dt0s16.<PUBLIC>`: what tables, dialogs, logs and audit events show. */
export declare const TOKEN_ID_LENGTH: number;
export declare const TOKEN_LENGTH: number;
export declare const TOKEN_ALPHABET: string;
/** A whole token; group 1 is PUBLIC, group 2 SECRET. */
export declare const TOKEN_PATTERN: RegExp;
/** A token ID, `dt0s16.<PUBLIC>`. */
export declare const TOKEN_ID_PATTERN: RegExp;
/** Text with every token in it cut down to its token ID, so that no secret travels on. */
export declare function withoutTokenSecrets(text: string): string;
/** The first token secret in text (a whole token, or a bare secret), or null. */
export declare function findTokenSecret(text: string): string | null;
