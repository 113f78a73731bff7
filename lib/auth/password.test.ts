import { describe, expect, it } from 'vitest';
import { dummyPasswordHash, hashPassword, verifyPassword } from './password';

describe('password hashing', () => {
  it('hashes with scrypt and a fresh salt, and verifies', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct horse');
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct horsE', a)).toBe(false);
  });

  it('rejects malformed stored hashes without throwing', async () => {
    expect(await verifyPassword('x', '')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$1$2$3')).toBe(false);
    expect(await verifyPassword('x', 'bcrypt$a$b$c$d$e')).toBe(false);
  });

  it('has a dummy hash that matches no password a user would type', async () => {
    const dummy = await dummyPasswordHash();
    expect(await verifyPassword('demo-password', dummy)).toBe(false);
    expect(await dummyPasswordHash()).toBe(dummy);
  });
});
