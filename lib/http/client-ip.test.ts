import { describe, expect, it } from 'vitest';
import { clientIp, clientKey } from './client-ip';

describe('clientIp', () => {
  it.each([
    [null, null],
    ['203.0.113.7', '203.0.113.7'],
    ['10.0.0.1, 203.0.113.7', '203.0.113.7'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['::1', '::1'],
    ['not-an-ip', null],
    ['<script>', null],
  ])('%s → %s', (header, expected) => {
    const headers = new Headers(header === null ? {} : { 'x-forwarded-for': header });
    expect(clientIp(headers)).toBe(expected);
  });
});

describe('clientKey', () => {
  it('keys IPv6 addresses by their /64, whatever their spelling', () => {
    expect(clientKey('2001:DB8:0001:0002:0:0:0:1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:2::9')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('fe80::')).toBe('fe80:0:0:0::/64');
    expect(clientKey('203.0.113.5')).toBe('203.0.113.5');
    expect(clientKey(null)).toBe('unknown');
  });
});
