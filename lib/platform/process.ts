import { applyChanges, onChanges } from '@/lib/changes';
import { config } from '@/lib/config';
import { failureStore } from '@/lib/failure-counts';
import { getDatabase, getDb } from '@/lib/db';
import { ChangeListener } from '@/lib/db/listener';
import { clientIp } from '@/lib/http/client-ip';
import { processSingleton } from '@/lib/singleton';
import { FailedVerifications } from './failed-verifications';
import { createPlatformAnswerer, type PlatformRequest } from './handler';
import { answerResponse, type PlatformAnswer } from './errors';
import { LastUsedRecorder } from './last-used';
import type { MaybePromise } from './maybe-promise';
import { ReadCache } from './read-cache';
import { registerPlatformHandler } from './registration.mjs';
import { ENDPOINTS } from './registry';
import { dropDeletedEnvironments } from './services/state';
import { VerificationCache } from './verification-cache';

// The platform API of this process: one cache, one "last used" recorder and, on PostgreSQL, one
// change listener, all created on first use and shared by every bundle (lib/singleton.ts).

interface PlatformProcess {
  cache: VerificationCache;
  recorder: LastUsedRecorder;
  answer: (request: PlatformRequest) => MaybePromise<PlatformAnswer>;
  listener: ChangeListener | null;
  listenerStarting: boolean;
}

function startListener(state: PlatformProcess): void {
  if (state.listenerStarting) return;
  state.listenerStarting = true;
  getDatabase().then(
    (database) => {
      // LISTEN needs a session of its own: a direct connection when DATABASE_URL is a pooler.
      const url = config().databaseListenUrl;
      if (database.kind !== 'postgres' || !url) return;
      state.listener = new ChangeListener({
        connectionString: url,
        onChanges: applyChanges,
        // Notifications may have been missed while disconnected: memory is cleared and not
        // trusted until the listener is back.
        onConnectionChange: (connected) => state.cache.setTrusted(connected),
        onUnreadable: () => state.cache.clear(),
      });
      state.listener.start();
    },
    () => {
      // The database is not reachable yet; the next request tries again.
      state.listenerStarting = false;
    },
  );
}

function create(): PlatformProcess {
  const settings = config();
  const cache = new VerificationCache({
    ttlMs: settings.cacheTtlMs,
    // With the embedded database this process is the only instance; on PostgreSQL, memory is
    // trusted once the change listener is connected.
    trusted: settings.databaseKind === 'pglite',
  });
  // The embedded database has no other client, so what this process read stays right.
  const readCache = settings.databaseKind === 'pglite' ? new ReadCache() : undefined;
  onChanges((changes) => {
    cache.apply(changes);
    if (readCache) dropDeletedEnvironments(readCache, changes);
  });
  const recorder = new LastUsedRecorder({ getDb });
  const state: PlatformProcess = {
    cache,
    recorder,
    listener: null,
    listenerStarting: false,
    answer: createPlatformAnswerer({
      getDb,
      cache,
      endpoints: ENDPOINTS,
      lastUsed: recorder,
      clientIp: (request) => clientIp(request.headers),
      beforeVerify: () => startListener(state),
      // Counted in the table every instance shares on PostgreSQL, so the limit holds for the cluster.
      failedVerifications: new FailedVerifications({ store: failureStore() }),
      // The embedded database has no other client, so what this process read stays right.
      readCache,
      platformDomain: settings.platformDomain,
    }),
  };
  return state;
}

/** Answers a request to /e/{env}/platform/...; the HTTP server writes the answer out as it is, at once when it is not a promise. */
function answerPlatformRequest(request: PlatformRequest): MaybePromise<PlatformAnswer> {
  return processSingleton('platform-api', create).answer(request);
}

/** Handles a request to /e/{env}/platform/...; the route handlers call nothing else. */
export async function handlePlatformRequest(request: Request): Promise<Response> {
  return answerResponse(await answerPlatformRequest(request));
}

/**
 * The methods of the Next.js routes that answer platform requests (/e/{env}/platform/...,
 * /platform/..., /iam/v1/accounts/...) until the HTTP server has the handler: each the same.
 */
export const platformRouteMethods = {
  GET: handlePlatformRequest,
  POST: handlePlatformRequest,
  PUT: handlePlatformRequest,
  DELETE: handlePlatformRequest,
  PATCH: handlePlatformRequest,
} as const;

/**
 * Lets the HTTP server (scripts/platform-api.mjs) answer /e/{env}/platform/... with this same
 * handler without going through Next.js's router. Called once when the server starts.
 */
export function offerPlatformApi(): void {
  registerPlatformHandler(answerPlatformRequest);
}
