import { describe, expect, it } from 'vitest';
import { DEFAULT_CALLBACK_PATH, safeCallbackPath } from './auth';

const ORIGIN = 'https://tokens.example.com';

/** Where a browser on the portal goes when told to go to `location`. */
const landsOn = (location: string) => new URL(location, `${ORIGIN}/sign-in`);

// Each of these, taken at face value by a browser, a URL parser or a header writer, leaves the
// portal or breaks the response.
const HOSTILE: string[] = [
  '//evil.example/x',
  '///evil.example/x',
  '////evil.example',
  '/\\evil.example/x',
  '\\\\evil.example/x',
  '\\/evil.example',
  '/\\/evil.example',
  '/\t/evil.example/x',
  '/\n/evil.example/x',
  '/\r/evil.example/x',
  '/\r\n/evil.example/x',
  '\t//evil.example',
  '\n//evil.example',
  ' //evil.example',
  '//evil.example\u0000/x',
  '/\u0000/evil.example',
  '/\u0001/evil.example',
  '/\u001f/evil.example',
  '/\u007f/evil.example',
  '/\u0085/evil.example',
  '/\u2028/evil.example',
  '/x\nSet-Cookie: a=b',
  '/x\r\nLocation: https://evil.example',
  'https://evil.example/x',
  'http://evil.example/x',
  'HTTPS://EVIL.EXAMPLE',
  'https:evil.example',
  'https:/evil.example',
  'https:\\\\evil.example',
  'http:evil.example',
  'ftp://evil.example',
  'javascript:alert(document.domain)',
  'JaVaScRiPt:alert(1)',
  'java\tscript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox(1)',
  'blob:https://evil.example/uuid',
  '//tokens.example.com@evil.example/',
  'https://tokens.example.com@evil.example/',
  'https://user:pass@tokens.example.com/platform-tokens',
  'https://tokens.example.com.evil.example/',
  'https://tokens.example.com:444/platform-tokens',
  'http://tokens.example.com/platform-tokens',
  '/x/..//evil.example',
  '/.//evil.example',
  '/./\\evil.example',
  '/%2e%2e//evil.example',
  '/%2E//evil.example',
  '/a/b/../../..//evil.example',
  '//evil.example%2F..',
  '//%65vil.example',
  '//evil%E3%80%82example',
  '//evil。example',
  '//ｅｖｉｌ.example',
  '/\u3000/evil.example',
  '//evil.example\u3000',
  '／／evil.example',
  'https:／／evil.example',
  '//[::1]/x',
  '//127.0.0.1:22/',
  '//0x7f.1/',
  '',
  'x'.repeat(3000),
  `/${'é'.repeat(1500)}`,
];

describe('safeCallbackPath', () => {
  it.each(HOSTILE)('keeps the browser on the portal for %j', (value) => {
    const path = safeCallbackPath(value, ORIGIN);
    expect(path.startsWith('/')).toBe(true);
    expect(path).not.toMatch(/^\/[\\/]/);
    expect(path).not.toMatch(/[\u0000-\u0020\u007f-\u009f]/);
    expect(path.length).toBeLessThanOrEqual(2048);
    expect(landsOn(path).origin).toBe(ORIGIN);
  });

  it('falls back to My platform tokens for what is not a string', () => {
    for (const value of [undefined, null, 42, {}, ['/x'], new URL(`${ORIGIN}/x`)]) {
      expect(safeCallbackPath(value, ORIGIN)).toBe(DEFAULT_CALLBACK_PATH);
    }
  });

  it('keeps the path and query of the portal, dropping the fragment', () => {
    expect(safeCallbackPath('/platform-tokens?from=test', ORIGIN)).toBe('/platform-tokens?from=test');
    expect(safeCallbackPath('/accounts/acme/iam/tokens?q=a%20b&page=2#row', ORIGIN)).toBe('/accounts/acme/iam/tokens?q=a%20b&page=2');
    expect(safeCallbackPath(`${ORIGIN}/api-explorer?x=1`, ORIGIN)).toBe('/api-explorer?x=1');
    expect(safeCallbackPath('/a/./b/../c', ORIGIN)).toBe('/a/c');
    expect(safeCallbackPath('/sign-in', ORIGIN)).toBe('/sign-in');
  });

  it('keeps encoded separators encoded, so they stay part of a path on the portal', () => {
    expect(safeCallbackPath('/%2F/evil.example', ORIGIN)).toBe('/%2F/evil.example');
    expect(safeCallbackPath('/%5C/evil.example', ORIGIN)).toBe('/%5C/evil.example');
    expect(safeCallbackPath('/%09/evil.example', ORIGIN)).toBe('/%09/evil.example');
    expect(safeCallbackPath('/%0a', ORIGIN)).toBe('/%0a');
  });

  it('percent-encodes what a header cannot carry', () => {
    expect(safeCallbackPath('/tokens?name=a b"<>', ORIGIN)).toBe('/tokens?name=a%20b%22%3C%3E');
    expect(safeCallbackPath('/tökens', ORIGIN)).toBe('/t%C3%B6kens');
    expect(safeCallbackPath('/\ud800', ORIGIN)).toBe('/%EF%BF%BD');
  });

  it('resolves relative values against the portal, as a browser would', () => {
    expect(safeCallbackPath('platform-tokens', ORIGIN)).toBe('/platform-tokens');
    expect(safeCallbackPath('?x=1', ORIGIN)).toBe('/?x=1');
  });

  it('without a usable origin, keeps only relative values', () => {
    expect(safeCallbackPath('/platform-tokens', null)).toBe('/platform-tokens');
    expect(safeCallbackPath('/platform-tokens', 'not a url')).toBe('/platform-tokens');
    expect(safeCallbackPath(`${ORIGIN}/x`, null)).toBe(DEFAULT_CALLBACK_PATH);
    expect(safeCallbackPath('//evil.example', 'not a url')).toBe(DEFAULT_CALLBACK_PATH);
  });

  it('never leaves the portal, whatever mix of separators, controls and dots it is given', () => {
    const alphabet = ['/', '\\', '.', '%', '2', 'e', 'F', '5', 'C', '0', '9', 'a', ':', '@', '?', '#', '\t', '\n', ' ', '\u3000', '／', 'evil', 'https', '..'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 2000; i++) {
      let value = '';
      const length = 1 + (next() % 12);
      for (let j = 0; j < length; j++) value += alphabet[next() % alphabet.length];
      const path = safeCallbackPath(value, ORIGIN);
      expect(landsOn(path).origin, JSON.stringify(value)).toBe(ORIGIN);
      expect(path, JSON.stringify(value)).toMatch(/^\/(?![\\/])[\u0021-\u007e]*$|^\/$/);
    }
  });
});
