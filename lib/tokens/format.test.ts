import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  TOKEN_PREFIX,
  formatTokenId,
  generateToken,
  hashToken,
  isTokenId,
  parseToken,
  verifyTokenHash,
} from './format';

const FORMAT = /^dt0s16\.[A-Z0-9]{24}\.[A-Z0-9]{64}$/;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
// A token generated once and kept, so the exhaustive checks below are deterministic.
const KNOWN = 'dt0s16.2MVAOPJYZIN34URKDFVJCZV4.K51SE2T8Z3J6D5FUPRS6YJBU2UAV4F2GNPHQV30VQ649ZRUQ1UTWF8VFM4WZVRSO';
const SECRET_START = 'dt0s16.'.length + 24 + 1;

function replaceAt(s: string, index: number, char: string): string {
  return s.slice(0, index) + char + s.slice(index + 1);
}

function otherChar(c: string): string {
  return ALPHABET[(ALPHABET.indexOf(c) + 1) % ALPHABET.length] ?? 'A';
}

/** The checksum as documented in format.ts, computed independently. */
function documentedChecksum(token: string): string {
  const covered = token.slice(0, SECRET_START + 58);
  const hex = createHash('sha256').update(covered).digest('hex').slice(0, 12);
  return (BigInt(`0x${hex}`) % 36n ** 6n).toString(36).toUpperCase().padStart(6, '0');
}

describe('generateToken', () => {
  it('produces the documented format, id and hash', () => {
    const generated = generateToken();
    expect(generated.token).toMatch(FORMAT);
    expect(generated.token.startsWith(`${TOKEN_PREFIX}.${generated.publicId}.`)).toBe(true);
    expect(generated.publicId).toMatch(/^[A-Z0-9]{24}$/);
    expect(generated.tokenId).toBe(`dt0s16.${generated.publicId}`);
    expect(generated.secretHash).toBe(hashToken(generated.token));
    expect(generated.token.slice(-6)).toBe(documentedChecksum(generated.token));
  });

  it('generates 1000 unique tokens that all parse', () => {
    const tokens = new Set<string>();
    const publicIds = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const { token, publicId, tokenId } = generateToken();
      expect(token).toMatch(FORMAT);
      expect(parseToken(token)).toEqual({ publicId, tokenId, secret: token.slice(SECRET_START) });
      tokens.add(token);
      publicIds.add(publicId);
    }
    expect(tokens.size).toBe(1000);
    expect(publicIds.size).toBe(1000);
  });

  it('uses every alphabet character about equally often', () => {
    const counts = new Map<string, number>(Array.from(ALPHABET, (c) => [c, 0]));
    let total = 0;
    for (let i = 0; i < 2000; i++) {
      const { token } = generateToken();
      // Random part only: PUBLIC and the first 58 SECRET characters, not prefix or checksum.
      const random = token.slice(7, 31) + token.slice(SECRET_START, SECRET_START + 58);
      for (const c of random) counts.set(c, (counts.get(c) ?? 0) + 1);
      total += random.length;
    }
    const expected = total / ALPHABET.length; // ~4556, standard deviation ~67
    let chiSquare = 0;
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(expected * 0.85);
      expect(count).toBeLessThan(expected * 1.15);
      chiSquare += (count - expected) ** 2 / expected;
    }
    // 35 degrees of freedom: mean 35, sd ~8.4. Plain v % 36 without rejection would give ~300.
    expect(chiSquare).toBeLessThan(120);
    expect(counts.size).toBe(36);
  });
});

describe('parseToken', () => {
  it('accepts a known token', () => {
    expect(parseToken(KNOWN)).toEqual({
      publicId: '2MVAOPJYZIN34URKDFVJCZV4',
      tokenId: 'dt0s16.2MVAOPJYZIN34URKDFVJCZV4',
      secret: KNOWN.slice(SECRET_START),
    });
    expect(KNOWN.slice(-6)).toBe(documentedChecksum(KNOWN));
  });

  it('rejects every single-character substitution in PUBLIC and SECRET', () => {
    for (let i = 7; i < KNOWN.length; i++) {
      if (i === SECRET_START - 1) continue;
      for (const c of ALPHABET) {
        if (c === KNOWN[i]) continue;
        expect(parseToken(replaceAt(KNOWN, i, c)), `position ${i} -> ${c}`).toBeNull();
      }
    }
  });

  it('rejects a changed character at every position of fresh tokens', () => {
    for (let n = 0; n < 20; n++) {
      const { token } = generateToken();
      for (let i = 0; i < token.length; i++) {
        const changed = token[i] === '.' ? replaceAt(token, i, 'A') : replaceAt(token, i, otherChar(token[i] ?? ''));
        expect(parseToken(changed), `position ${i}`).toBeNull();
      }
    }
  });

  it('rejects every adjacent transposition', () => {
    const tokens = [KNOWN, ...Array.from({ length: 20 }, () => generateToken().token)];
    for (const token of tokens) {
      for (let i = 0; i < token.length - 1; i++) {
        const a = token[i] ?? '';
        const b = token[i + 1] ?? '';
        if (a === b) continue;
        const swapped = token.slice(0, i) + b + a + token.slice(i + 2);
        expect(parseToken(swapped), `swap ${i}`).toBeNull();
      }
    }
  });

  it('rejects a swap of PUBLIC and SECRET halves and a long-range transposition', () => {
    const token = KNOWN;
    const far = replaceAt(replaceAt(token, 8, token[60] ?? ''), 60, token[8] ?? '');
    expect(far).not.toBe(token);
    expect(parseToken(far)).toBeNull();
  });

  it('rejects anything that is not exactly the format', () => {
    const bad: unknown[] = [
      undefined, null, 42, {}, [], KNOWN.split(''), Buffer.from(KNOWN), '',
      KNOWN.replace('dt0s16', 'dt0c01'),
      KNOWN.replace('dt0s16', 'DT0S16'),
      KNOWN.toLowerCase(),
      replaceAt(KNOWN, 10, 'a'), // lowercase inside PUBLIC
      ` ${KNOWN}`, `${KNOWN} `, `${KNOWN}\n`, `Bearer ${KNOWN}`,
      KNOWN.slice(0, -1), `${KNOWN}A`,
      KNOWN.slice(0, SECRET_START - 1), // token ID alone
      replaceAt(KNOWN, 6, ':'),
      replaceAt(KNOWN, SECRET_START - 1, ':'),
      replaceAt(KNOWN, 20, '-'),
      'dt0s16.' + 'A'.repeat(25) + '.' + KNOWN.slice(SECRET_START + 1), // shifted dot
      KNOWN.repeat(100_000),
    ];
    for (const value of bad) {
      expect(parseToken(value)).toBeNull();
    }
  });

  it('is cheap on huge input', () => {
    const huge = 'A'.repeat(10_000_000);
    const start = performance.now();
    expect(parseToken(huge)).toBeNull();
    expect(performance.now() - start).toBeLessThan(50);
  });
});

describe('hashToken and verifyTokenHash', () => {
  it('hashes to 64 hex characters that do not contain the secret', () => {
    const { token } = generateToken();
    const hash = hashToken(token);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).toBe(createHash('sha256').update(token).digest('hex'));
    const secret = token.slice(SECRET_START);
    expect(hash.toUpperCase()).not.toContain(secret.slice(0, 8));
    expect(hashToken(token)).toBe(hash);
  });

  it('verifies the right token only', () => {
    const first = generateToken();
    const second = generateToken();
    expect(verifyTokenHash(first.token, first.secretHash)).toBe(true);
    expect(verifyTokenHash(first.token, first.secretHash.toUpperCase())).toBe(true);
    expect(verifyTokenHash(second.token, first.secretHash)).toBe(false);
    expect(verifyTokenHash(first.token, '')).toBe(false);
    expect(verifyTokenHash(first.token, first.secretHash.slice(0, 63))).toBe(false);
    expect(verifyTokenHash(first.token, `${first.secretHash}0`)).toBe(false);
    expect(verifyTokenHash(first.token, replaceAt(first.secretHash, 0, first.secretHash[0] === 'a' ? 'b' : 'a'))).toBe(false);
  });
});

describe('token IDs', () => {
  it('formats and recognises token IDs', () => {
    const { publicId, tokenId } = generateToken();
    expect(formatTokenId(publicId)).toBe(tokenId);
    expect(isTokenId(tokenId)).toBe(true);
    expect(isTokenId(KNOWN)).toBe(false);
    expect(isTokenId(tokenId.toLowerCase())).toBe(false);
    expect(isTokenId(`${tokenId}A`)).toBe(false);
    expect(isTokenId(tokenId.slice(0, -1))).toBe(false);
    expect(isTokenId(` ${tokenId}`)).toBe(false);
    expect(isTokenId(publicId)).toBe(false);
  });
});
