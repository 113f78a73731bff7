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

/** Only paths on this site: `/x` but not `//host` or `/\host`, so sign-in cannot redirect elsewhere. */
export function safeCallbackPath(value: unknown): string {
  if (
    typeof value !== 'string' ||
    !value.startsWith('/') ||
    value.startsWith('//') ||
    value.startsWith('/\\') ||
    value.length > 2048
  ) {
    return '/platform-tokens';
  }
  return value;
}
