// Plain JavaScript because scripts/server.mjs reads these before Next.js (and any TypeScript) is
// loaded; lib/config.ts reads the same function, so the rules live in this one place.

/** Raised for a setting that cannot work; the message names the variable. */
export class ServerSettingsError extends Error {
  name = 'ServerSettingsError';
}

/**
 * PORT, BIND_ADDRESS and TRUST_PROXY of the production HTTP server, checked.
 *
 * @param {Record<string, string | undefined>} env
 * @returns {{ port: number, bindAddress: string, trustProxy: boolean }}
 */
export function serverSettings(env) {
  const rawPort = env.PORT?.trim() || '3000';
  const port = /^\d{1,5}$/.test(rawPort) ? Number(rawPort) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw new ServerSettingsError(`PORT must be a port number from 1 to 65535 (got "${env.PORT}").`);
  }
  const bindAddress = env.BIND_ADDRESS?.trim() || '0.0.0.0';
  if (/[\s/]/.test(bindAddress)) {
    throw new ServerSettingsError(`BIND_ADDRESS must be an IP address or host name, like 127.0.0.1 (got "${env.BIND_ADDRESS}").`);
  }
  const proxy = (env.TRUST_PROXY ?? '').trim();
  if (proxy !== '' && proxy !== 'true' && proxy !== 'false') {
    throw new ServerSettingsError(`TRUST_PROXY must be true or false (got "${env.TRUST_PROXY}").`);
  }
  return { port, bindAddress, trustProxy: proxy === 'true' };
}

// V8's young generation at semispaces of 8 MB rather than its 64-bit default of 16 MB: a lower
// peak resident memory under the platform API's load at the same rate, for pages rendered a little
// slower (the README's benchmarks give the figures).
const SEMI_SPACE = '--max-semi-space-size=8';

/**
 * NODE_OPTIONS for the production HTTP server's process: the operator's own, with the app's
 * young-generation size unless they set one themselves.
 *
 * @param {string | undefined} nodeOptions
 * @returns {string}
 */
export function serverNodeOptions(nodeOptions) {
  const own = nodeOptions?.trim() ?? '';
  if (/--max[-_]semi[-_]space[-_]size\b/.test(own)) return own;
  return own ? `${own} ${SEMI_SPACE}` : SEMI_SPACE;
}
