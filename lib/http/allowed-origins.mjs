// Plain JavaScript because next.config.mjs loads it with Node before anything is compiled;
// lib/config.ts reads the same function, so the setting is parsed and checked in this one place.

const USAGE = 'Expected a comma-separated list of hosts, like tokens.example.com,*.tokens.example.com';

/** Raised for a setting that cannot work; the message names the variable. */
export class AllowedOriginsError extends Error {
  name = 'AllowedOriginsError';
}

/** `host[:port]` in the form an Origin header carries it (lower case, IDN as punycode), or null. */
function normalHost(text) {
  if (!text || /[/?#@\\\s]/.test(text)) return null;
  let url;
  try {
    url = new URL(`http://${text}`);
  } catch {
    return null;
  }
  // Letters, digits and hyphens in dot-separated labels, or an IPv6 literal: nothing a browser
  // would never send, such as "*" in the middle of a name.
  const plain = /^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(url.hostname) || /^\[[0-9a-f:.]+\]$/.test(url.hostname);
  return plain ? url.host : null;
}

const isIpAddress = (host) => host.startsWith('[') || /^[\d.]+(:\d+)?$/.test(host);

function parseEntry(raw) {
  // A full origin is accepted too: only its host counts, as Next.js compares hosts only.
  const entry = raw.replace(/^https?:\/\//i, '').replace(/\/$/, '');
  if (entry === '*' || entry === '**') throw new AllowedOriginsError(`ALLOWED_ORIGINS: "${raw}" would allow every site. ${USAGE}`);
  const wildcard = /^(\*\*?)\.(.*)$/.exec(entry);
  const host = normalHost(wildcard ? wildcard[2] : entry);
  if (!host) throw new AllowedOriginsError(`ALLOWED_ORIGINS: "${raw}" is not a host. ${USAGE}`);
  if (!wildcard) return host;
  // "*.com" would let every site in a top-level domain run actions with a user's session.
  if (!host.includes('.') || isIpAddress(host)) {
    throw new AllowedOriginsError(
      `ALLOWED_ORIGINS: "${raw}" is too broad. A wildcard must be followed by a domain of at least two labels, like *.example.com`,
    );
  }
  return `${wildcard[1]}.${host}`;
}

function publicUrlHost(name, value) {
  let url;
  try {
    url = new URL(value);
  } catch {
    throw new AllowedOriginsError(`${name} is not a valid URL. Expected the portal's public address, like https://tokens.example.com`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AllowedOriginsError(`${name} must start with https:// or http:// (got "${url.protocol}//").`);
  }
  return url.host;
}

/**
 * The hosts, besides the request's own (Host or X-Forwarded-Host), whose pages may call server
 * actions: the entries of ALLOWED_ORIGINS and the host of AUTH_URL, the portal's public address.
 * None by default. Throws AllowedOriginsError naming the variable when a value cannot work.
 *
 * @param {Record<string, string | undefined>} env
 * @returns {string[]}
 */
export function serverActionOrigins(env) {
  const origins = (env.ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map(parseEntry);
  // next-auth reads the same variables, in this order, for the URLs it builds.
  const publicUrl = env.AUTH_URL?.trim() ? ['AUTH_URL', env.AUTH_URL.trim()] : env.NEXTAUTH_URL?.trim() ? ['NEXTAUTH_URL', env.NEXTAUTH_URL.trim()] : null;
  if (publicUrl) origins.push(publicUrlHost(publicUrl[0], publicUrl[1]));
  return [...new Set(origins)];
}
