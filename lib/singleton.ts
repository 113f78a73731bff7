/**
 * One value per process. Next.js bundles pages, server actions and route handlers separately, so a
 * module can be instantiated more than once in one server; state that must be shared (caches,
 * listeners, rate limits, the database) lives on globalThis under a key of its own.
 */
export function processSingleton<T>(key: string, create: () => T): T {
  const store = globalThis as typeof globalThis & { __platformTokens?: Map<string, unknown> };
  store.__platformTokens ??= new Map();
  if (!store.__platformTokens.has(key)) store.__platformTokens.set(key, create());
  return store.__platformTokens.get(key) as T;
}
