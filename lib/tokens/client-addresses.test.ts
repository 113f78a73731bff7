import { describe, expect, it } from 'vitest';
import { tokenFormSchema } from '@/lib/validations/tokens';
import { allowsClient, clientAddressMatcher } from './client-address-matcher';
import { parseClientAddresses } from './client-addresses';
import { tokenFormFields } from './test-support';

describe('"Allowed client addresses"', () => {
  it('reads IPv4 and IPv6 addresses and CIDR blocks, however they are separated, once each', () => {
    expect(parseClientAddresses('203.0.113.0/24, 198.51.100.7\n2001:DB8::/32  ::1')).toEqual({
      ok: true,
      blocks: ['203.0.113.0/24', '198.51.100.7/32', '2001:db8::/32', '::1/128'],
    });
    expect(parseClientAddresses(['10.0.0.0/8', '10.0.0.0/8'])).toEqual({ ok: true, blocks: ['10.0.0.0/8'] });
    // IPv6 in its shortest form, so the same block written two ways is stored once.
    expect(parseClientAddresses('2001:0db8:0000::/48 2001:db8::/48 ::ffff:192.0.2.1')).toEqual({
      ok: true,
      blocks: ['2001:db8::/48', '::ffff:c000:201/128'],
    });
    expect(parseClientAddresses('  ')).toEqual({ ok: true, blocks: [] });
  });

  it('refuses what is not an address or block, naming the field and the entry', () => {
    for (const bad of ['203.0.113.300', '010.0.0.1', '10.0.0.0/33', '2001:db8::/129', '2001:db8:::1', '1::2::3', 'fe80::1%eth0', '[::1]', 'example.com', '10.0.0.0/', '10.0.0.0/-1', '10.0.0.0/8/8', '1.2.3.4/08x']) {
      const result = parseClientAddresses(`10.0.0.0/8, ${bad}`);
      expect(result).toEqual({
        ok: false,
        message: `Allowed client addresses: "${bad}" is not an IPv4 or IPv6 address or CIDR block (e.g. 203.0.113.0/24 or 2001:db8::/32)`,
      });
    }
    expect(parseClientAddresses(Array.from({ length: 51 }, (_, i) => `10.0.0.${i}`))).toEqual({
      ok: false,
      message: 'Allowed client addresses can list at most 50 addresses or blocks',
    });
  });

  it('is checked by the form schema the server action shares, on the field', () => {
    const refused = tokenFormSchema.safeParse(tokenFormFields({ allowedClientAddresses: '10.0.0.1, nope' }));
    expect(refused.error?.issues[0]).toMatchObject({
      path: ['allowedClientAddresses'],
      message: 'Allowed client addresses: "nope" is not an IPv4 or IPv6 address or CIDR block (e.g. 203.0.113.0/24 or 2001:db8::/32)',
    });
    expect(tokenFormSchema.parse(tokenFormFields({ allowedClientAddresses: '10.0.0.1' })).allowedClientAddresses).toEqual(['10.0.0.1/32']);
    // Already parsed values (the form's output) parse to the same.
    expect(tokenFormSchema.parse(tokenFormFields({ allowedClientAddresses: ['10.0.0.1/32'] })).allowedClientAddresses).toEqual(['10.0.0.1/32']);
    expect(tokenFormSchema.parse(tokenFormFields()).allowedClientAddresses).toEqual([]);
    expect(tokenFormSchema.safeParse(tokenFormFields({ allowedClientAddresses: 42 as unknown as string })).error?.issues[0]).toMatchObject({
      path: ['allowedClientAddresses'],
      message: 'Allowed client addresses must be text or a list of addresses',
    });
  });

  it('matches addresses inside the blocks only; an unknown address matches none', () => {
    const matcher = clientAddressMatcher(['203.0.113.0/24', '2001:db8::/32', '192.0.2.5/32']);
    expect(allowsClient(matcher, '203.0.113.254')).toBe(true);
    expect(allowsClient(matcher, '203.0.114.1')).toBe(false);
    expect(allowsClient(matcher, '192.0.2.5')).toBe(true);
    expect(allowsClient(matcher, '192.0.2.6')).toBe(false);
    expect(allowsClient(matcher, '2001:db8:ffff::1')).toBe(true);
    expect(allowsClient(matcher, '2001:db9::1')).toBe(false);
    expect(allowsClient(matcher, '::ffff:203.0.113.9')).toBe(true);
    expect(allowsClient(matcher, null)).toBe(false);
    expect(allowsClient(matcher, 'not an ip')).toBe(false);
    // An IPv6 block, however wide, names no IPv4 client; one written as IPv4-mapped addresses does.
    for (const wide of ['::/0', '::/80', '::ffff:0:0/95']) expect([wide, allowsClient(clientAddressMatcher([wide]), '203.0.113.9')]).toEqual([wide, false]);
    expect(allowsClient(clientAddressMatcher(['::/0']), '2001:db8::1')).toBe(true);
    const mapped = clientAddressMatcher(['::ffff:203.0.113.0/120']);
    const forms = ['203.0.113.9', '::ffff:203.0.113.9', '::ffff:cb00:7109', '0:0:0:0:0:ffff:cb00:7109', '::FFFF:CB00:7109', '203.0.114.9'];
    expect(forms.map((a) => allowsClient(mapped, a))).toEqual([true, true, true, true, true, false]);
    expect(forms.map((a) => allowsClient(clientAddressMatcher(['203.0.113.0/24']), a))).toEqual([true, true, true, true, true, false]);
    expect(forms.map((a) => allowsClient(clientAddressMatcher(['::/0']), a))).toEqual([false, false, false, false, false, false]);
    // No list: from anywhere, even unknown.
    expect(allowsClient(clientAddressMatcher(null), null)).toBe(true);
    expect(allowsClient(clientAddressMatcher([]), '198.51.100.1')).toBe(true);
  });
});
