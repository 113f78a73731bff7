// "Allowed client addresses" of a token (PRODUCT.md §11): IPv4 and IPv6 addresses and CIDR
// blocks. Parsed here once, for the form in the browser and the server alike (so without
// node:net); client-address-matcher.ts matches calls against what this stored.

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** 4 or 6 for an IPv4 or IPv6 address, else 0; an IPv6 address comes back in its shortest form. */
export function ipFamily(address: string): { family: 0 | 4 | 6; normal: string } {
  if (IPV4.test(address)) return { family: 4, normal: address };
  if (!address.includes(':') || !/^[0-9a-fA-F:.]+$/.test(address)) return { family: 0, normal: address };
  try {
    // The URL parser is the WHATWG IPv6 parser, the same in browsers and Node.js.
    return { family: 6, normal: new URL(`http://[${address}]/`).hostname.slice(1, -1) };
  } catch {
    return { family: 0, normal: address };
  }
}

export const CLIENT_ADDRESSES_MAX = 50;
export const CLIENT_ADDRESSES_TEXT_MAX = 4000;

export type ClientAddressesResult = { ok: true; blocks: string[] } | { ok: false; message: string };

const shown = (entry: string) => (entry.length > 60 ? `${entry.slice(0, 60)}…` : entry);

/** One entry as stored: `address/prefix` (an IPv6 address in its shortest form). */
export function parseEntry(entry: string): string | null {
  const slash = entry.indexOf('/');
  const { family, normal: address } = ipFamily(slash === -1 ? entry : entry.slice(0, slash));
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

