import { BlockList, isIP } from 'node:net';

// "Allowed client addresses" of a token (PRODUCT.md §11): IPv4 and IPv6 addresses and CIDR
// blocks. Parsed here once, for the form, the server and verification alike.

export const CLIENT_ADDRESSES_MAX = 50;
export const CLIENT_ADDRESSES_TEXT_MAX = 4000;

export type ClientAddressesResult = { ok: true; blocks: string[] } | { ok: false; message: string };

const shown = (entry: string) => (entry.length > 60 ? `${entry.slice(0, 60)}…` : entry);

/** One entry as stored: `address/prefix` with the address as written (IPv6 lower-cased). */
function parseEntry(entry: string): string | null {
  const slash = entry.indexOf('/');
  const address = (slash === -1 ? entry : entry.slice(0, slash)).toLowerCase();
  const family = isIP(address);
  if (family === 0) return null;
  const bits = family === 4 ? 32 : 128;
  if (slash === -1) return `${address}/${bits}`;
  const prefix = entry.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits) return null;
  return `${address}/${Number(prefix)}`;
}

/**
 * The list as a person types it (separated by commas, spaces or new lines), or as the API sends
 * it (an array): each entry an IPv4 or IPv6 address or CIDR block. Empty means from anywhere.
 */
export function parseClientAddresses(input: string | readonly string[]): ClientAddressesResult {
  const entries = (typeof input === 'string' ? input.split(/[\s,]+/) : input.flatMap((e) => e.split(/[\s,]+/))).filter(Boolean);
  if (entries.length > CLIENT_ADDRESSES_MAX) {
    return { ok: false, message: `Allowed client addresses can list at most ${CLIENT_ADDRESSES_MAX} addresses or blocks` };
  }
  const blocks: string[] = [];
  for (const entry of entries) {
    const block = parseEntry(entry);
    if (!block) {
      return { ok: false, message: `Allowed client addresses: "${shown(entry)}" is not an IPv4 or IPv6 address or CIDR block (e.g. 203.0.113.0/24 or 2001:db8::/32)` };
    }
    if (!blocks.includes(block)) blocks.push(block);
  }
  return { ok: true, blocks };
}

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
