import { pathParamNames, type HttpMethod } from './catalogue';
import type { AnyEndpointDefinition } from './endpoint';
import { accountIdmEndpoints } from './services/account-idm';
import { accountPlatformTokenEndpoints } from './services/account-platform-tokens';
import { appEngineEndpoints } from './services/app-engine';
import { appSettingsEndpoints } from './services/app-settings';
import { appSettingsSdkEndpoints } from './services/app-settings-sdk';
import { automationEndpoints } from './services/automation';
import { davisEndpoints } from './services/davis';
import { davisCopilotEndpoints } from './services/davis-copilot';
import { documentEndpoints } from './services/document';
import { emailEndpoints } from './services/email';
import { iamEndpoints } from './services/iam';
import { notificationEndpoints } from './services/notification';
import { platformManagementEndpoints } from './services/platform-management';
import { settingsEndpoints } from './services/settings';
import { settingsSdkEndpoints } from './services/settings-sdk';
import { stateEndpoints } from './services/state';
import { stateSdkEndpoints } from './services/state-sdk';
import { stateManagementEndpoints } from './services/state-management';
import { storageEndpoints } from './services/storage';

// Every platform endpoint, each defined once in its service's file (endpoint.ts). Adding an
// endpoint to a service's list is all it takes; adding a service is one more line here.
export const ENDPOINTS: readonly AnyEndpointDefinition[] = [
  ...documentEndpoints,
  ...stateEndpoints,
  ...stateSdkEndpoints,
  ...stateManagementEndpoints,
  ...storageEndpoints,
  ...settingsEndpoints,
  ...settingsSdkEndpoints,
  ...appSettingsEndpoints,
  ...appSettingsSdkEndpoints,
  ...automationEndpoints,
  ...appEngineEndpoints,
  ...notificationEndpoints,
  ...davisEndpoints,
  ...davisCopilotEndpoints,
  ...emailEndpoints,
  ...iamEndpoints,
  ...platformManagementEndpoints,
  ...accountPlatformTokenEndpoints,
  ...accountIdmEndpoints,
];

export type Endpoint = AnyEndpointDefinition;

const BY_ID: ReadonlyMap<string, Endpoint> = new Map(ENDPOINTS.map((e) => [e.id, e]));

export function findEndpointById(id: string): Endpoint | undefined {
  return BY_ID.get(id);
}

/** Endpoints that need the scope, always (`scopes`) or depending on the request (`perRequestScopes`, `readsFrom`). */
export function endpointsForScope(scope: string): readonly Endpoint[] {
  const has = (list: readonly string[] | undefined) => list?.includes(scope) ?? false;
  return ENDPOINTS.filter((e) => has(e.scopes) || has(e.perRequestScopes) || has(e.readsFrom));
}

/** What the create form's scope table shows next to each scope: the calls it allows (plain data for the client). */
export function endpointsByScope(): Record<string, { id: string; method: HttpMethod; path: string; summary: string }[]> {
  const out: Record<string, { id: string; method: HttpMethod; path: string; summary: string }[]> = {};
  for (const e of ENDPOINTS) {
    for (const scope of new Set([...e.scopes, ...(e.perRequestScopes ?? []), ...(e.readsFrom ?? [])])) {
      (out[scope] ??= []).push({ id: e.id, method: e.method, path: e.path, summary: e.summary });
    }
  }
  return out;
}

interface CompiledEndpoint {
  endpoint: Endpoint;
  pattern: RegExp;
  params: string[];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compile(endpoint: Endpoint): CompiledEndpoint {
  const source = endpoint.path
    .split(/(\{[A-Za-z][A-Za-z0-9]*\})/)
    .map((part) => (part.startsWith('{') ? '([^/]+)' : escapeRegExp(part)))
    .join('');
  return { endpoint, pattern: new RegExp(`^${source}$`), params: pathParamNames(endpoint.path) };
}

const MAX_PATH_LENGTH = 2048;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export interface Router {
  /**
   * Matches a method and a path as endpoints write it, under /e/{env}/platform, or from the root
   * for an account-level endpoint (a query string is ignored):
   * '/document/v1/documents/abc' -> document.documents.get with { id: 'abc' }. Param values are
   * URL-decoded; an undecodable value does not match.
   */
  find(method: string, pathUnderPlatform: string): { endpoint: Endpoint; params: Record<string, string> } | null;
  /** The methods some endpoint answers at this path (for 405 vs 404). */
  methodsAt(pathUnderPlatform: string): HttpMethod[];
}

/** The first segment of a path ('/state/v1/...' → 'state'), which every endpoint's path writes out. */
function firstSegment(path: string): string {
  const end = path.indexOf('/', 1);
  return end === -1 ? path.slice(1) : path.slice(1, end);
}

export function createRouter(endpoints: readonly Endpoint[]): Router {
  // Endpoints without placeholders first, so a literal path always beats a template.
  const compiled = endpoints.map(compile).sort((a, b) => a.params.length - b.params.length);
  // Tried only among the endpoints of the request's method and first segment, in that order. A
  // path starting with a placeholder would have to be tried for every request: it is not taken.
  const byStart = new Map<string, CompiledEndpoint[]>();
  for (const c of compiled) {
    const start = firstSegment(c.endpoint.path);
    if (start.includes('{')) throw new Error(`Endpoint ${c.endpoint.id}: its path must start with a fixed segment.`);
    const key = `${c.endpoint.method} ${start}`;
    const same = byStart.get(key);
    if (same) same.push(c);
    else byStart.set(key, [c]);
  }
  function find(method: string, pathUnderPlatform: string) {
    if (pathUnderPlatform.length > MAX_PATH_LENGTH) return null;
    const path = pathUnderPlatform.split(/[?#]/, 1)[0] ?? '';
    for (const c of byStart.get(`${method.toUpperCase()} ${firstSegment(path)}`) ?? []) {
      const match = c.pattern.exec(path);
      if (!match) continue;
      const params: Record<string, string> = {};
      try {
        c.params.forEach((name, i) => {
          params[name] = decodeURIComponent(match[i + 1] ?? '');
        });
      } catch {
        return null;
      }
      return { endpoint: c.endpoint, params };
    }
    return null;
  }
  return { find, methodsAt: (path) => METHODS.filter((m) => find(m, path) !== null) };
}

const ROUTER = createRouter(ENDPOINTS);

export const findEndpoint = ROUTER.find;
