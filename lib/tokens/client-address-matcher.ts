import { BlockList, isIP } from 'node:net';
import { parseEntry } from './client-addresses';

// Matching calls against a token's "Allowed client addresses" (server only: node:net's BlockList).

/** Matches client addresses against stored blocks; null when the token may be used from anywhere. */
export function clientAddressMatcher(blocks: readonly string[] | null): BlockList | null {
  if (!blocks || blocks.length === 0) return null;
  const list = new BlockList();
  for (const block of blocks) {
    const parsed = parseEntry(block);
    if (!parsed) continue; // only parsed entries are stored; anything else matches nothing
    const [address = '', prefix] = parsed.split('/');
    list.addSubnet(address, Number(prefix), isIP(address) === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
}

/** Whether a call from `address` (a valid IP, or null when unknown) is allowed. */
export function allowsClient(matcher: BlockList | null, address: string | null): boolean {
  if (matcher === null) return true;
  if (address === null) return false;
  const family = isIP(address);
  if (family === 0) return false;
  return matcher.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** The 403 of a call from an address the token does not allow. */
export function clientNotAllowedMessage(tokenId: string, address: string | null): string {
  return address === null
    ? `The token ${tokenId} only accepts calls from its allowed client addresses, and this call's address is unknown.`
    : `The token ${tokenId} does not accept calls from ${address}: it is not among the token's allowed client addresses.`;
}
