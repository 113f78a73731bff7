import { ValidationError } from '@/lib/errors';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '@/lib/validations/people';
import { isCommonPassword } from './common-passwords';

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
