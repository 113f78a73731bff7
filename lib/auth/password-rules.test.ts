import { describe, expect, it } from 'vitest';
import { ValidationError } from '@/lib/errors';
import { assertNewPasswordAllowed } from './password-rules';

function refusal(password: string, email = 'pat@example.com'): string | null {
  try {
    assertNewPasswordAllowed(password, email);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).fieldErrors.password ?? null;
  }
}

describe('new password rules', () => {
  it('needs 12 to 1024 characters', () => {
    expect(refusal('short-pass1')).toBe('The password must be at least 12 characters long');
    expect(refusal('x'.repeat(1025))).toBe('The password can be at most 1024 characters long');
    expect(refusal('a calm river at dawn')).toBeNull();
  });

  it('refuses common passwords, whatever their case', () => {
    expect(refusal('password1234')).toBe('This password is too easy to guess. Choose another one.');
    expect(refusal('QWERTY123456')).toBe('This password is too easy to guess. Choose another one.');
    expect(refusal('1qaz2wsx3edc')).toBe('This password is too easy to guess. Choose another one.');
  });

  it('refuses the email address as the password', () => {
    expect(refusal('Patricia@Example.com', 'patricia@example.com')).toBe('This password is too easy to guess. Choose another one.');
    expect(refusal('patricia.jones', 'patricia.jones@example.com')).toBe('This password is too easy to guess. Choose another one.');
  });
});
