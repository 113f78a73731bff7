import { config } from '@/lib/config';
import { AppError, ValidationError } from '@/lib/errors';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '@/lib/validations/people';
import { isCommonPassword } from './common-passwords';

export const PASSWORDS_OFF_MESSAGE = 'Passwords are turned off on this portal: sign in with single sign-on.';

/**
 * Refuses what signs in with a password, or sets one from a link (a reset, an invitation), while
 * PASSWORD_SIGN_IN=false: single sign-on is then the only way in.
 */
export function assertPasswordsOn(): void {
  if (!config().passwordSignIn) throw new AppError(PASSWORDS_OFF_MESSAGE);
}

/**
 * The one rule for every new password (setup, invitations, profile, resets, the admin command):
 * 12 to 1024 characters, not one of the common passwords, not the person's email. The forms check
 * the length as well; this is what the server enforces.
 */
export function assertNewPasswordAllowed(password: string, email: string, field = 'password'): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw ValidationError.field(field, `The password must be at least ${MIN_PASSWORD_LENGTH} characters long`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw ValidationError.field(field, `The password can be at most ${MAX_PASSWORD_LENGTH} characters long`);
  }
  const lower = password.toLowerCase();
  if (isCommonPassword(password, MIN_PASSWORD_LENGTH) || lower === email.toLowerCase() || lower === email.split('@')[0]?.toLowerCase()) {
    throw ValidationError.field(field, 'This password is too easy to guess. Choose another one.');
  }
}
