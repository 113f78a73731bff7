import { describe, expect, it } from 'vitest';
import { authConfig } from '@/auth.config';
import { emailLinkOrigin, portalOrigin } from './origin';

describe('portalOrigin', () => {
  it('is the origin of AUTH_URL when it is set', () => {
    const headers = new Headers({ host: 'internal:3000' });
    expect(portalOrigin(headers, 'https://tokens.example.com/api/auth')).toBe('https://tokens.example.com');
    expect(portalOrigin(headers, 'https://tokens.example.com:8443')).toBe('https://tokens.example.com:8443');
  });

  it('otherwise comes from the request, forwarded host and scheme first', () => {
    expect(portalOrigin(new Headers({ host: '127.0.0.1:3000' }), null)).toBe('http://127.0.0.1:3000');
    expect(portalOrigin(new Headers({ host: 'internal', 'x-forwarded-host': 'tokens.example.com', 'x-forwarded-proto': 'https' }), null)).toBe(
      'https://tokens.example.com',
    );
  });

  it('is null when nothing gives a valid origin', () => {
    expect(portalOrigin(new Headers(), null)).toBeNull();
    expect(portalOrigin(new Headers({ host: 'a b' }), null)).toBeNull();
    expect(portalOrigin(new Headers({ host: 'x' }), 'not a url')).toBeNull();
  });
});

describe('emailLinkOrigin', () => {
  it('is AUTH_URL whatever the request names', () => {
    expect(emailLinkOrigin(new Headers({ host: 'evil.example' }), 'https://tokens.example.com')).toBe('https://tokens.example.com');
  });

  it('without AUTH_URL, takes only a request made to this machine', () => {
    for (const host of ['localhost:3000', '127.0.0.1:3000', '127.8.9.10', '[::1]:3000']) {
      expect(emailLinkOrigin(new Headers({ host }), null), host).toBe(`http://${host}`);
    }
    for (const host of ['evil.example', 'tokens.example.com', '10.0.0.5:3000', 'localhost.evil.example', '127.0.0.1.evil.example', '[::2]']) {
      expect(emailLinkOrigin(new Headers({ host }), null), host).toBeNull();
    }
    // A forwarded host is the request's host too: it gets no further.
    expect(emailLinkOrigin(new Headers({ host: 'localhost:3000', 'x-forwarded-host': 'evil.example' }), null)).toBeNull();
    expect(emailLinkOrigin(new Headers(), null)).toBeNull();
  });
});

describe('where next-auth sends the browser', () => {
  const redirect = (url: string) => authConfig.callbacks.redirect({ url, baseUrl: 'https://tokens.example.com' });

  it('keeps paths of the portal', () => {
    expect(redirect('/platform-tokens?from=test')).toBe('https://tokens.example.com/platform-tokens?from=test');
    expect(redirect('https://tokens.example.com/sign-in')).toBe('https://tokens.example.com/sign-in');
    // A scheme-relative reference with the portal's own scheme is a path of the portal.
    expect(redirect('https:evil.example')).toBe('https://tokens.example.com/evil.example');
  });

  it('sends anything else to My platform tokens on the portal', () => {
    for (const url of ['/\t/evil.example/x', '/\n/evil.example', '//evil.example', '/\\evil.example', 'http:evil.example', 'https://evil.example/', '/.//evil.example']) {
      expect(redirect(url), JSON.stringify(url)).toBe('https://tokens.example.com/platform-tokens');
    }
  });
});
