// @ts-check
// How the app hands its platform API handler to the HTTP server (scripts/server.mjs), which
// answers /e/{env}/platform/... itself, without Next.js's router, in development and production
// alike. Next.js bundles the app apart from the server's own modules, so the one handler is kept
// on the process, under a key only this module names.

/** @typedef {import('./handler').PlatformRequest} PlatformRequest */
/** @typedef {import('./errors').PlatformAnswer} PlatformAnswer */
/**
 * The app's answerer (lib/platform/process.ts) gives a PlatformAnswer, at once when it needed to
 * wait for nothing; a web Response is taken too.
 * @typedef {(request: PlatformRequest) => PlatformAnswer | Response | Promise<PlatformAnswer | Response>} PlatformHandler
 */

const KEY = Symbol.for('platform-tokens.platform-api');

/** @type {{ [KEY]?: PlatformHandler }} */
const slot = /** @type {any} */ (globalThis);

/**
 * Registers the handler the server answers platform API requests with (instrumentation.ts, at start).
 * @param {PlatformHandler} handler
 */
export function registerPlatformHandler(handler) {
  slot[KEY] = handler;
}

/**
 * The registered handler, or null before the app has registered one.
 * @returns {PlatformHandler | null}
 */
export function registeredPlatformHandler() {
  const handler = slot[KEY];
  return typeof handler === 'function' ? handler : null;
}

/** Forgets the handler (tests). */
export function unregisterPlatformHandler() {
  delete slot[KEY];
}
