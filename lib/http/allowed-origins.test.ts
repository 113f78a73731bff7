import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '@/lib/config';
import { serverActionOrigins } from './allowed-origins.mjs';

describe('origins allowed to call server actions', () => {
  it('allows no other origin by default', () => {
    expect(serverActionOrigins({})).toEqual([]);
    expect(serverActionOrigins({ ALLOWED_ORIGINS: ' , ' })).toEqual([]);
    expect(readConfig({}).allowedOrigins).toEqual([]);
  });

  it('takes hosts, ports and leading wildcards, in the form an Origin header carries them', () => {
    expect(
      serverActionOrigins({
        ALLOWED_ORIGINS: 'Tokens.Example.com, https://portal.example.com/ ,tokens.example.com:8443,*.tenants.example.com,**.corp.example.com',
      }),
    ).toEqual(['tokens.example.com', 'portal.example.com', 'tokens.example.com:8443', '*.tenants.example.com', '**.corp.example.com']);
    expect(serverActionOrigins({ ALLOWED_ORIGINS: 'bücher.example' })).toEqual(['xn--bcher-kva.example']);
    expect(serverActionOrigins({ ALLOWED_ORIGINS: '10.0.0.5:3000,[::1]:3000' })).toEqual(['10.0.0.5:3000', '[::1]:3000']);
  });

  it('adds the host of the public URL next-auth uses, once', () => {
    expect(serverActionOrigins({ AUTH_URL: 'https://tokens.example.com/api/auth' })).toEqual(['tokens.example.com']);
    expect(serverActionOrigins({ NEXTAUTH_URL: 'http://tokens.example.com:8080' })).toEqual(['tokens.example.com:8080']);
    expect(serverActionOrigins({ ALLOWED_ORIGINS: 'tokens.example.com', AUTH_URL: 'https://tokens.example.com' })).toEqual([
      'tokens.example.com',
    ]);
    expect(readConfig({ AUTH_URL: 'https://tokens.example.com' }).allowedOrigins).toEqual(['tokens.example.com']);
  });

  it.each([
    ['*', /ALLOWED_ORIGINS: "\*" would allow every site/],
    ['**', /would allow every site/],
    ['*.com', /ALLOWED_ORIGINS: "\*\.com" is too broad/],
    ['**.10.0.0.1', /is too broad/],
    ['a.*.example.com', /ALLOWED_ORIGINS: "a\.\*\.example\.com" is not a host/],
    ['tokens.example.com/admin', /is not a host/],
    ['user@tokens.example.com', /is not a host/],
    ['tokens example.com', /is not a host/],
    ['tokens.example.com:http', /is not a host/],
  ])('refuses %s with a message naming the setting', (value, message) => {
    expect(() => serverActionOrigins({ ALLOWED_ORIGINS: `ok.example.com,${value}` })).toThrow(message);
    expect(() => readConfig({ ALLOWED_ORIGINS: value })).toThrow(ConfigError);
  });

  it('refuses a public URL that is not one', () => {
    expect(() => readConfig({ AUTH_URL: 'tokens.example.com' })).toThrow(/AUTH_URL is not a valid URL/);
    expect(() => readConfig({ AUTH_URL: 'ftp://tokens.example.com' })).toThrow(/AUTH_URL must start with https:\/\//);
  });
});
