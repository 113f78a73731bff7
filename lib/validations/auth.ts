import { z } from 'zod';

export const signInSchema = z.object({
  email: z
    .string({ error: 'Enter your email' })
    .trim()
    .toLowerCase()
    .min(1, { error: 'Enter your email' })
    .max(320, { error: 'Email is too long' })
    .pipe(z.email({ error: 'Enter a valid email address' })),
  password: z
    .string({ error: 'Enter your password' })
    .min(1, { error: 'Enter your password' })
    .max(1024, { error: 'Password is too long' }),
});
export type SignInInput = z.input<typeof signInSchema>;

/** Where signing in lands unless a safe callback says otherwise: My platform tokens. */
export const DEFAULT_CALLBACK_PATH = '/platform-tokens';

// Any origin works for resolving relative values: only the path and query of the result are kept.
const PLACEHOLDER_ORIGIN = 'http://portal.invalid';
const MAX_LENGTH = 2048;

// C0 and C1 controls, DEL, and the line and paragraph separators: URL parsers drop some of them
// (a tab turns "/\t/host" into "//host"), and header values must not contain them.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * The path and query of a same-origin callback URL, or My platform tokens. The value is resolved
 * against the portal's origin by the WHATWG URL parser, as a browser would resolve it, so that
 * "//host", "/\\host", "https:host" and their encoded or dot-segment variants all fall back.
 */
export function safeCallbackPath(value: unknown, origin?: string | null): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LENGTH) return DEFAULT_CALLBACK_PATH;
  if (CONTROL_CHARACTERS.test(value)) return DEFAULT_CALLBACK_PATH;
  const base = parseUrl(origin ?? PLACEHOLDER_ORIGIN) ?? new URL(PLACEHOLDER_ORIGIN);
  const target = parseUrl(value, base);
  if (!target || target.origin !== base.origin || target.username || target.password) return DEFAULT_CALLBACK_PATH;
  const path = target.pathname + target.search;
  // Dot segments can leave "//host" as the path, which a browser reads as another site.
  if (!path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\') || path.length > MAX_LENGTH) {
    return DEFAULT_CALLBACK_PATH;
  }
  return path;
}

function parseUrl(value: string, base?: URL): URL | null {
  try {
    return new URL(value, base);
  } catch {
    return null;
  }
}
