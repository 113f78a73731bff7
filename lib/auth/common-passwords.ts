import { dictionary } from '@zxcvbn-ts/language-common';

// The common-password list of zxcvbn (about 50,000 passwords from public breach corpora). Only
// entries long enough to pass the length rule can matter, so only those are kept in memory.

let common: ReadonlySet<string> | undefined;

export function isCommonPassword(password: string, minLength: number): boolean {
  common ??= new Set(dictionary['passwords-common'].filter((p) => p.length >= minLength).map((p) => p.toLowerCase()));
  return common.has(password.toLowerCase());
}
