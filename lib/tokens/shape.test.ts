import { describe, expect, it } from 'vitest';
import { redactSecrets } from '@/lib/audit-queries';
import { bearerToken } from '@/lib/platform/bearer';
import { tokenIdSchema } from '@/lib/validations/tokens';
import { generateToken, hashToken, parseToken } from './format';
import { findTokenSecret, TOKEN_ID_LENGTH, TOKEN_ID_PATTERN, TOKEN_LENGTH, TOKEN_PATTERN, withoutTokenSecrets } from './shape.mjs';

describe('the token shape', () => {
  it('is what generation makes and what every parser accepts', () => {
    const { token, tokenId, publicId } = generateToken();
    expect(token).toHaveLength(TOKEN_LENGTH);
    expect(tokenId).toHaveLength(TOKEN_ID_LENGTH);
    expect(token).toMatch(TOKEN_PATTERN);
    expect(tokenId).toMatch(TOKEN_ID_PATTERN);
    expect(parseToken(token)?.publicId).toBe(publicId);
    expect(bearerToken(`Bearer ${token}`).publicId).toBe(publicId);
    expect(tokenIdSchema.safeParse(tokenId).success).toBe(true);
    // A token is never case-folded: lower case is not a token, and not a token ID either.
    expect(token.toLowerCase()).not.toMatch(TOKEN_PATTERN);
    expect(tokenIdSchema.safeParse(tokenId.toLowerCase()).success).toBe(false);
  });

  it('cuts every form of a secret in text down to the token ID', () => {
    const { token, tokenId } = generateToken();
    const secret = token.slice(TOKEN_ID_LENGTH + 1);
    for (const text of [token, token.toLowerCase(), token.slice(0, -4), `${token}XYZ`]) {
      const redacted = withoutTokenSecrets(`copied: ${text} (rotated)`);
      expect(redacted.toUpperCase()).toBe(`COPIED: ${tokenId.toUpperCase()} (ROTATED)`);
      expect(redacted.toUpperCase()).not.toContain(secret.slice(0, 20));
    }
    expect(withoutTokenSecrets(`Token ${tokenId}. Next`)).toBe(`Token ${tokenId}. Next`);
  });

  it('audit events shown never carry a secret copied in part or in lower case', () => {
    const { token, tokenId } = generateToken();
    expect(redactSecrets({ name: `old ${token.slice(0, -2)}`, ids: [token.toLowerCase()] })).toEqual({
      name: `old ${tokenId}`,
      ids: [tokenId.toLowerCase()],
    });
  });

  it('the secret scan finds whole tokens in any case and bare secrets, not IDs or hashes', () => {
    const { token, tokenId } = generateToken();
    expect(findTokenSecret(`log: ${token}`)).toBe(token);
    expect(findTokenSecret(`log: ${token.toLowerCase()}`)).toBe(token.toLowerCase());
    expect(findTokenSecret(`secret=${token.slice(TOKEN_ID_LENGTH + 1)}`)).toBe(token.slice(TOKEN_ID_LENGTH + 1));
    expect(findTokenSecret(`token ${tokenId} hash ${hashToken(token)}.`)).toBeNull();
  });
});
