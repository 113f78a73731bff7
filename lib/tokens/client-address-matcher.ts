import { BlockList, isIP } from 'node:net';
import { ipFamily, parseEntry } from './client-addresses';

// Matching calls against a token's "Allowed client addresses" (server only: node:net's BlockList).
// IPv4 and IPv6 blocks are kept apart: one BlockList checks an IPv4 address as its IPv4-mapped
// IPv6 form, so an IPv6 block such as ::/0 would let in every IPv4 client.

/** The blocks a token allows calls from, by the family of the calling address. */
export interface ClientAddressMatcher {
  ipv4: BlockList;
  ipv6: BlockList;
}

/** An IPv4-mapped IPv6 block (within ::ffff:0:0/96, as parseEntry writes it) as the IPv4 block it names; null for any other. */
function mappedIpv4Block(address: string, prefix: number): { address: string; prefix: number } | null {
  const groups = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(address);
  if (!groups || prefix < 96) return null;
  const high = parseInt(groups[1]!, 16);
  const low = parseInt(groups[2]!, 16);
  return { address: `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`, prefix: prefix - 96 };
}

/** Matches client addresses against stored blocks; null when the token may be used from anywhere. */
export function clientAddressMatcher(blocks: readonly string[] | null): ClientAddressMatcher | null {
  if (!blocks || blocks.length === 0) return null;
  const matcher = { ipv4: new BlockList(), ipv6: new BlockList() };
  for (const block of blocks) {
    const parsed = parseEntry(block);
    if (!parsed) continue; // only parsed entries are stored; anything else matches nothing
    const [address = '', prefix] = parsed.split('/');
    if (isIP(address) === 4) {
      matcher.ipv4.addSubnet(address, Number(prefix), 'ipv4');
      continue;
    }
    matcher.ipv6.addSubnet(address, Number(prefix), 'ipv6');
    // A block written as IPv4-mapped addresses names IPv4 clients, which arrive as IPv4 (lib/http/client-ip.ts).
    const mapped = mappedIpv4Block(address, Number(prefix));
    if (mapped) matcher.ipv4.addSubnet(mapped.address, mapped.prefix, 'ipv4');
  }
  return matcher;
}

/** Whether a call from `address` (a valid IP, or null when unknown) is allowed. */
export function allowsClient(matcher: ClientAddressMatcher | null, address: string | null): boolean {
  if (matcher === null) return true;
  if (address === null) return false;
  const family = isIP(address);
  if (family === 4) return matcher.ipv4.check(address, 'ipv4');
  if (family !== 6) return false;
  // An IPv4 client seen through an IPv6 socket, however the address is written, is the IPv4 client it names.
  const normal = ipFamily(address).normal;
  const mapped = mappedIpv4Block(normal, 128)?.address;
  return mapped ? matcher.ipv4.check(mapped, 'ipv4') : matcher.ipv6.check(normal, 'ipv6');
}

/** The 403 of a call from an address the token does not allow. */
export function clientNotAllowedMessage(tokenId: string, address: string | null): string {
  return address === null
    ? `The token ${tokenId} only accepts calls from its allowed client addresses, and this call's address is unknown.`
    : `The token ${tokenId} does not accept calls from ${address}: it is not among the token's allowed client addresses.`;
}
