import http from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import { PlatformHttpClient } from '@dynatrace-sdk/http-client';
import { Agent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { servePlatformApi } from '@/scripts/platform-api.mjs';
import { createTestPlatform } from './testing';

// Scripts written for the original platform with its official TypeScript SDK run against the
// portal by changing only the base URL and the token (PRODUCT.md §13). The compatibility tests
// run the official client packages unchanged against a real HTTP listener serving the platform
// handler, as scripts/server.mjs serves it.

/** PLATFORM_DOMAIN of the compatibility tests: every name under it is this machine. */
export const SDK_DOMAIN = 'platform.test';

// Wildcard DNS for <envId>.platform.test, as production has for PLATFORM_DOMAIN. Node does not
// resolve such names by itself.
const lookup: LookupFunction = (hostname, options, callback) => {
  const name = hostname.toLowerCase();
  if (name === SDK_DOMAIN || name.endsWith(`.${SDK_DOMAIN}`)) {
    if (options.all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
    else callback(null, '127.0.0.1', 4);
    return;
  }
  callback(Object.assign(new Error(`${hostname} is not resolved in this test`), { code: 'ENOTFOUND' }), '', 4);
};

export interface SdkPlatform {
  /** The test database behind the listener; set once the file's `beforeAll` ran. */
  readonly database: TestDatabase;
  /** The listener's port; set once the file's `beforeAll` ran. */
  readonly port: number;
  /** `http://<envId>.platform.test:<port>`: an environment by host. */
  hostUrl(environmentId: string): string;
  /** `http://127.0.0.1:<port>`: the portal's root. */
  rootUrl(): string;
}

/**
 * Registers the file's `beforeAll`/`afterAll`: a test database, the platform handler on a free
 * port with PLATFORM_DOMAIN set, and name resolution for the domain.
 */
export function startSdkPlatform(): SdkPlatform {
  let database: TestDatabase | undefined;
  let server: http.Server | undefined;
  let port = 0;
  let previousDispatcher: Dispatcher | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    const platform = createTestPlatform(database.db, { platformDomain: SDK_DOMAIN });
    server = http.createServer((req, res) => servePlatformApi(platform.handle, req, res));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    previousDispatcher = getGlobalDispatcher();
    setGlobalDispatcher(new Agent({ connect: { lookup } }));
  });
  afterAll(async () => {
    if (previousDispatcher) setGlobalDispatcher(previousDispatcher);
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    await database?.close();
  });
  return {
    get database() {
      if (!database) throw new Error('The SDK platform starts in beforeAll.');
      return database;
    },
    get port() {
      return port;
    },
    hostUrl: (environmentId) => `http://${environmentId}.${SDK_DOMAIN}:${port}`,
    rootUrl: () => `http://127.0.0.1:${port}`,
  };
}

/** A stock client as the SDK's documentation configures it: a base URL and the token. */
export function sdkClient(baseUrl: string, token: string): PlatformHttpClient {
  return new PlatformHttpClient({ baseUrl, defaultHeaders: { Authorization: `Bearer ${token}` } });
}

/** The status and the portal's message of a call the SDK rejected with an HTTP error. */
export async function sdkRefusal(promise: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await promise;
    return { status: 0, message: '' };
  } catch (error) {
    const response = (error as { response?: { status: number; body(type: 'json'): Promise<unknown> } }).response;
    if (!response) throw error;
    const body = (await response.body('json')) as { error: { message: string } };
    return { status: response.status, message: body.error.message };
  }
}
