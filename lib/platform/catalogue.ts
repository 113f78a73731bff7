// The one catalogue of platform services, scopes and endpoints (PRODUCT.md §7).
// The create form's scope table, the API explorer, the OpenAPI document, the route guards and
// the IAM permission registry are all built from these lists.

export type ServiceId =
  | 'document'
  | 'state'
  | 'state-management'
  | 'storage'
  | 'settings'
  | 'app-settings'
  | 'automation'
  | 'app-engine'
  | 'notification'
  | 'davis'
  | 'davis-copilot'
  | 'email'
  | 'iam'
  | 'platform-management';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Service {
  id: ServiceId;
  title: string;
  description: string;
}

export interface Scope {
  name: string;
  service: ServiceId;
  description: string;
}

export interface Endpoint {
  /** Stable identifier, e.g. 'document.documents.list'. */
  id: string;
  service: ServiceId;
  method: HttpMethod;
  /** Path under /e/{env}/platform with {param} placeholders. */
  path: string;
  /** Every scope the call needs (all of them). */
  scopes: readonly string[];
  /**
   * The call additionally needs exactly one of these, and which one depends on the request
   * (query:execute: the read scope of the fetched table). The route guard checks `scopes`;
   * the handler checks this one once it knows the request.
   */
  perRequestScopes?: readonly string[];
  /**
   * Read scopes of other services whose data the answer may carry, depending on the request (an
   * app function that reads its app's settings, an execution that holds a storage query's
   * records). The handler checks each that applies with `ctx.authorize`, with the attributes
   * that service checks. A read scope of another service that every call needs is in `scopes`.
   */
  readsFrom?: readonly string[];
  summary: string;
  description?: string;
  /** One line describing the JSON request body, for the explorer and OpenAPI. */
  requestBody?: string;
}

export const SERVICES: readonly Service[] = [
  { id: 'document', title: 'Document', description: 'Store and share documents such as dashboards and notebooks.' },
  { id: 'state', title: 'State', description: 'Key-value state of apps, shared or per user.' },
  { id: 'state-management', title: 'State management', description: 'Bulk-delete the stored state of an app.' },
  { id: 'storage', title: 'Storage', description: 'Ingest events, business events and logs, and query them.' },
  { id: 'settings', title: 'Settings', description: 'Environment settings objects and their schemas.' },
  { id: 'app-settings', title: 'App settings', description: 'Settings objects of a single app.' },
  { id: 'automation', title: 'Automation', description: 'Workflows, their runs and executions.' },
  { id: 'app-engine', title: 'App engine', description: 'The app registry and app functions.' },
  { id: 'notification', title: 'Notification', description: 'Notifications to yourself.' },
  { id: 'davis', title: 'Davis', description: 'Analyzers that run over numeric series.' },
  { id: 'davis-copilot', title: 'Davis CoPilot', description: 'Search documents in plain words.' },
  { id: 'email', title: 'Email', description: 'Send emails.' },
  { id: 'iam', title: 'Identity & access management', description: 'What the calling token may do.' },
  { id: 'platform-management', title: 'Platform management', description: 'The environments a token reaches.' },
];

export const SCOPES: readonly Scope[] = [
  { name: 'document:documents:read', service: 'document', description: 'Read documents' },
  { name: 'document:documents:write', service: 'document', description: 'Create and update documents' },
  { name: 'document:documents:delete', service: 'document', description: 'Delete documents' },

  { name: 'state:app-states:read', service: 'state', description: 'Read app state' },
  { name: 'state:app-states:write', service: 'state', description: 'Write app state' },
  { name: 'state:app-states:delete', service: 'state', description: 'Delete app state' },
  { name: 'state:user-app-states:read', service: 'state', description: "Read the owner's app state" },
  { name: 'state:user-app-states:write', service: 'state', description: "Write the owner's app state" },
  { name: 'state:user-app-states:delete', service: 'state', description: "Delete the owner's app state" },

  { name: 'state-management:app-states:delete', service: 'state-management', description: 'Delete all app state of an app' },
  { name: 'state-management:user-app-states:delete', service: 'state-management', description: 'Delete all user app state of an app' },

  { name: 'storage:buckets:read', service: 'storage', description: 'Run storage queries' },
  { name: 'storage:events:read', service: 'storage', description: 'Read events' },
  { name: 'storage:events:write', service: 'storage', description: 'Ingest events' },
  { name: 'storage:bizevents:read', service: 'storage', description: 'Read business events' },
  { name: 'storage:bizevents:write', service: 'storage', description: 'Ingest business events' },
  { name: 'storage:logs:read', service: 'storage', description: 'Read logs' },
  { name: 'storage:logs:write', service: 'storage', description: 'Ingest logs' },

  { name: 'settings:schemas:read', service: 'settings', description: 'Read settings schemas' },
  { name: 'settings:objects:read', service: 'settings', description: 'Read settings objects' },
  { name: 'settings:objects:write', service: 'settings', description: 'Create, update and delete settings objects' },

  { name: 'app-settings:objects:read', service: 'app-settings', description: 'Read app settings objects' },
  { name: 'app-settings:objects:write', service: 'app-settings', description: 'Create, update and delete app settings objects' },

  { name: 'automation:workflows:read', service: 'automation', description: 'Read workflows and executions' },
  { name: 'automation:workflows:write', service: 'automation', description: 'Create workflows' },
  { name: 'automation:workflows:run', service: 'automation', description: 'Run workflows' },

  { name: 'app-engine:apps:run', service: 'app-engine', description: 'List installed apps' },
  { name: 'app-engine:apps:install', service: 'app-engine', description: 'Install apps' },
  { name: 'app-engine:functions:run', service: 'app-engine', description: 'Call app functions' },

  { name: 'notification:self-notifications:read', service: 'notification', description: 'Read notifications to yourself' },
  { name: 'notification:self-notifications:write', service: 'notification', description: 'Create notifications to yourself' },

  { name: 'davis:analyzers:read', service: 'davis', description: 'List analyzers' },
  { name: 'davis:analyzers:execute', service: 'davis', description: 'Run analyzers' },

  { name: 'davis-copilot:document-search:execute', service: 'davis-copilot', description: 'Search documents in plain words' },

  { name: 'email:emails:send', service: 'email', description: 'Send emails' },

  { name: 'iam:effective-permissions:read', service: 'iam', description: 'Read what the token may do' },

  { name: 'platform-management:environments:read', service: 'platform-management', description: 'List the environments the token reaches' },
];

/** The read scope `query:execute` needs for the table named in `fetch <table>`. */
export const STORAGE_TABLE_READ_SCOPES: Readonly<Record<'events' | 'bizevents' | 'logs', string>> = {
  events: 'storage:events:read',
  bizevents: 'storage:bizevents:read',
  logs: 'storage:logs:read',
};

export type StorageTable = keyof typeof STORAGE_TABLE_READ_SCOPES;

const DOCS = '/document/v1/documents';
const STATE = '/state/v1/apps/{appId}';
const SETTINGS = '/settings/v1';
const APP_SETTINGS = '/app-settings/v1/apps/{appId}/objects';
const WORKFLOWS = '/automation/v1/workflows';

export const ENDPOINTS: readonly Endpoint[] = [
  { id: 'document.documents.list', service: 'document', method: 'GET', path: DOCS, scopes: ['document:documents:read'], summary: 'List documents' },
  { id: 'document.documents.create', service: 'document', method: 'POST', path: DOCS, scopes: ['document:documents:write'], summary: 'Create a document', requestBody: 'JSON object with name, type and content' },
  { id: 'document.documents.get', service: 'document', method: 'GET', path: `${DOCS}/{id}`, scopes: ['document:documents:read'], summary: 'Get a document' },
  { id: 'document.documents.update', service: 'document', method: 'PUT', path: `${DOCS}/{id}`, scopes: ['document:documents:write'], summary: 'Update a document', requestBody: 'JSON object with any of name, type and content' },
  { id: 'document.documents.delete', service: 'document', method: 'DELETE', path: `${DOCS}/{id}`, scopes: ['document:documents:delete'], summary: 'Delete a document' },

  { id: 'state.app-states.get', service: 'state', method: 'GET', path: `${STATE}/app-states/{key}`, scopes: ['state:app-states:read'], summary: 'Get an app state value' },
  { id: 'state.app-states.put', service: 'state', method: 'PUT', path: `${STATE}/app-states/{key}`, scopes: ['state:app-states:write'], summary: 'Set an app state value', requestBody: 'JSON object with value' },
  { id: 'state.app-states.delete', service: 'state', method: 'DELETE', path: `${STATE}/app-states/{key}`, scopes: ['state:app-states:delete'], summary: 'Delete an app state value' },
  { id: 'state.user-app-states.get', service: 'state', method: 'GET', path: `${STATE}/user-app-states/{key}`, scopes: ['state:user-app-states:read'], summary: "Get the owner's app state value" },
  { id: 'state.user-app-states.put', service: 'state', method: 'PUT', path: `${STATE}/user-app-states/{key}`, scopes: ['state:user-app-states:write'], summary: "Set the owner's app state value", requestBody: 'JSON object with value' },
  { id: 'state.user-app-states.delete', service: 'state', method: 'DELETE', path: `${STATE}/user-app-states/{key}`, scopes: ['state:user-app-states:delete'], summary: "Delete the owner's app state value" },

  { id: 'state-management.app-states.delete', service: 'state-management', method: 'DELETE', path: '/state-management/v1/apps/{appId}/app-states', scopes: ['state-management:app-states:delete'], summary: 'Delete all app state of an app' },
  { id: 'state-management.user-app-states.delete', service: 'state-management', method: 'DELETE', path: '/state-management/v1/apps/{appId}/user-app-states', scopes: ['state-management:user-app-states:delete'], summary: 'Delete all user app state of an app' },

  { id: 'storage.events.ingest', service: 'storage', method: 'POST', path: '/storage/ingest/v1/events', scopes: ['storage:events:write'], summary: 'Ingest events', requestBody: 'A JSON object or an array of them' },
  { id: 'storage.bizevents.ingest', service: 'storage', method: 'POST', path: '/storage/ingest/v1/bizevents', scopes: ['storage:bizevents:write'], summary: 'Ingest business events', requestBody: 'A JSON object or an array of them' },
  { id: 'storage.logs.ingest', service: 'storage', method: 'POST', path: '/storage/ingest/v1/logs', scopes: ['storage:logs:write'], summary: 'Ingest logs', requestBody: 'A JSON object or an array of them' },
  {
    id: 'storage.query.execute',
    service: 'storage',
    method: 'POST',
    path: '/storage/query/v1/query:execute',
    scopes: ['storage:buckets:read'],
    perRequestScopes: Object.values(STORAGE_TABLE_READ_SCOPES),
    summary: 'Run a storage query',
    description: 'Also needs the read scope of the fetched table: storage:events:read, storage:bizevents:read or storage:logs:read.',
    requestBody: 'JSON object with query, e.g. "fetch logs | limit 10"',
  },

  { id: 'settings.schemas.list', service: 'settings', method: 'GET', path: `${SETTINGS}/schemas`, scopes: ['settings:schemas:read'], summary: 'List settings schemas' },
  { id: 'settings.objects.list', service: 'settings', method: 'GET', path: `${SETTINGS}/objects`, scopes: ['settings:objects:read'], summary: 'List settings objects' },
  { id: 'settings.objects.create', service: 'settings', method: 'POST', path: `${SETTINGS}/objects`, scopes: ['settings:objects:write'], summary: 'Create a settings object', requestBody: 'JSON object with schemaId and value' },
  { id: 'settings.objects.update', service: 'settings', method: 'PUT', path: `${SETTINGS}/objects/{id}`, scopes: ['settings:objects:write'], summary: 'Update a settings object', requestBody: 'JSON object with value, and optionally the version it was read at' },
  { id: 'settings.objects.delete', service: 'settings', method: 'DELETE', path: `${SETTINGS}/objects/{id}`, scopes: ['settings:objects:write'], summary: 'Delete a settings object' },

  { id: 'app-settings.objects.list', service: 'app-settings', method: 'GET', path: APP_SETTINGS, scopes: ['app-settings:objects:read'], summary: "List an app's settings objects" },
  { id: 'app-settings.objects.create', service: 'app-settings', method: 'POST', path: APP_SETTINGS, scopes: ['app-settings:objects:write'], summary: 'Create an app settings object', requestBody: 'JSON object with schemaId and value' },
  { id: 'app-settings.objects.update', service: 'app-settings', method: 'PUT', path: `${APP_SETTINGS}/{id}`, scopes: ['app-settings:objects:write'], summary: 'Update an app settings object', requestBody: 'JSON object with value, and optionally the version it was read at' },
  { id: 'app-settings.objects.delete', service: 'app-settings', method: 'DELETE', path: `${APP_SETTINGS}/{id}`, scopes: ['app-settings:objects:write'], summary: 'Delete an app settings object' },

  { id: 'automation.workflows.list', service: 'automation', method: 'GET', path: WORKFLOWS, scopes: ['automation:workflows:read'], summary: 'List workflows' },
  { id: 'automation.workflows.create', service: 'automation', method: 'POST', path: WORKFLOWS, scopes: ['automation:workflows:write'], summary: 'Create a workflow', requestBody: 'JSON object with title, tasks (each with name, action and input) and optionally description' },
  {
    id: 'automation.workflows.run',
    service: 'automation',
    method: 'POST',
    path: `${WORKFLOWS}/{id}/run`,
    scopes: ['automation:workflows:run'],
    summary: 'Run a workflow',
    description: 'Each task also needs the scopes of the endpoint its action calls, as a direct call would.',
    requestBody: 'JSON object, optionally with input (send {} to run without)',
  },
  {
    id: 'automation.executions.get',
    service: 'automation',
    method: 'GET',
    path: '/automation/v1/executions/{id}',
    scopes: ['automation:workflows:read'],
    readsFrom: ['storage:buckets:read', ...Object.values(STORAGE_TABLE_READ_SCOPES)],
    summary: 'Get a workflow execution',
    description:
      "An execution holds its tasks' results: one with the records of a storage query also needs storage:buckets:read and the read scope of the queried table: storage:events:read, storage:bizevents:read or storage:logs:read.",
  },

  { id: 'app-engine.apps.list', service: 'app-engine', method: 'GET', path: '/app-engine/registry/v1/apps', scopes: ['app-engine:apps:run'], summary: 'List installed apps' },
  { id: 'app-engine.apps.install', service: 'app-engine', method: 'POST', path: '/app-engine/registry/v1/apps', scopes: ['app-engine:apps:install'], summary: 'Install an app', requestBody: 'JSON object with the id of an app of the registry, and optionally its version' },
  {
    id: 'app-engine.functions.run',
    service: 'app-engine',
    method: 'POST',
    path: '/app-engine/app-functions/v1/apps/{appId}/api/{function}',
    scopes: ['app-engine:functions:run'],
    readsFrom: ['app-settings:objects:read'],
    summary: 'Call an app function',
    description: "A function that reads its app's settings (the registry lists which) also needs app-settings:objects:read for that app.",
    requestBody: 'Any JSON, passed to the function',
  },

  { id: 'notification.self-notifications.list', service: 'notification', method: 'GET', path: '/notification/v2/self-notifications', scopes: ['notification:self-notifications:read'], summary: 'List notifications to yourself' },
  { id: 'notification.self-notifications.create', service: 'notification', method: 'POST', path: '/notification/v2/self-notifications', scopes: ['notification:self-notifications:write'], summary: 'Create a notification to yourself', requestBody: 'JSON object with title, and optionally message and severity' },

  { id: 'davis.analyzers.list', service: 'davis', method: 'GET', path: '/davis/analyzers/v1/analyzers', scopes: ['davis:analyzers:read'], summary: 'List analyzers' },
  { id: 'davis.analyzers.execute', service: 'davis', method: 'POST', path: '/davis/analyzers/v1/analyzers/{name}:execute', scopes: ['davis:analyzers:execute'], summary: 'Run an analyzer', requestBody: "JSON object with series (an array of numbers) and the analyzer's options" },

  {
    id: 'davis-copilot.document-search.execute',
    service: 'davis-copilot',
    method: 'POST',
    path: '/davis-copilot/v1/document-search:execute',
    // The answer carries documents' names and text: it needs what reading them directly needs.
    scopes: ['davis-copilot:document-search:execute', 'document:documents:read'],
    summary: 'Search documents in plain words',
    description: 'Returns ranked documents, only of the types the owner may read.',
    requestBody: 'JSON object with query, and optionally limit',
  },

  { id: 'email.emails.send', service: 'email', method: 'POST', path: '/email/v1/emails', scopes: ['email:emails:send'], summary: 'Send an email', description: 'Kept in an outbox; delivered over SMTP when configured.', requestBody: 'JSON object with to, subject and body, and optionally cc, bcc and contentType' },

  { id: 'iam.effective-permissions.get', service: 'iam', method: 'GET', path: '/iam/v1/effective-permissions', scopes: ['iam:effective-permissions:read'], summary: 'What the calling token can do here' },

  { id: 'platform-management.environments.list', service: 'platform-management', method: 'GET', path: '/platform-management/v1/environments', scopes: ['platform-management:environments:read'], summary: 'List the environments the token reaches' },
];

const SCOPE_NAMES: ReadonlySet<string> = new Set(SCOPES.map((s) => s.name));

export function isScopeName(name: string): boolean {
  return SCOPE_NAMES.has(name);
}

export function isServiceId(id: string): id is ServiceId {
  return SERVICES.some((s) => s.id === id);
}

export function scopesOfService(service: ServiceId): readonly Scope[] {
  return SCOPES.filter((s) => s.service === service);
}

export function endpointsOfService(service: ServiceId): readonly Endpoint[] {
  return ENDPOINTS.filter((e) => e.service === service);
}

/** Endpoints that need the scope, always (`scopes`) or depending on the request (`perRequestScopes`, `readsFrom`). */
export function endpointsForScope(scope: string): readonly Endpoint[] {
  return ENDPOINTS.filter(
    (e) => e.scopes.includes(scope) || (e.perRequestScopes?.includes(scope) ?? false) || (e.readsFrom?.includes(scope) ?? false),
  );
}

export function findEndpointById(id: string): Endpoint | undefined {
  return ENDPOINTS.find((e) => e.id === id);
}

/** Names of the {param} placeholders of a path, in order. */
export function pathParamNames(path: string): string[] {
  return Array.from(path.matchAll(/\{([A-Za-z][A-Za-z0-9]*)\}/g), (m) => m[1] ?? '');
}

/** Fills the placeholders of a path template, URL-encoding each value. */
export function fillPath(path: string, params: Record<string, string>): string {
  return path.replace(/\{([A-Za-z][A-Za-z0-9]*)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
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

// Endpoints without placeholders first, so a literal path always beats a template.
const COMPILED: readonly CompiledEndpoint[] = ENDPOINTS.map(compile).sort(
  (a, b) => a.params.length - b.params.length,
);

const MAX_PATH_LENGTH = 2048;

/**
 * Matches a method and a path under /e/{env}/platform (a query string is ignored) against the
 * catalogue: '/document/v1/documents/abc' -> document.documents.get with { id: 'abc' }.
 * Param values are URL-decoded; an undecodable value does not match.
 */
export function findEndpoint(
  method: string,
  pathUnderPlatform: string,
): { endpoint: Endpoint; params: Record<string, string> } | null {
  if (pathUnderPlatform.length > MAX_PATH_LENGTH) return null;
  const upper = method.toUpperCase();
  const path = pathUnderPlatform.split(/[?#]/, 1)[0] ?? '';
  for (const c of COMPILED) {
    if (c.endpoint.method !== upper) continue;
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

/** Whether some endpoint has this path with another method (for 405 vs 404). */
export function pathExists(pathUnderPlatform: string): boolean {
  return (['GET', 'POST', 'PUT', 'DELETE'] as const).some((m) => findEndpoint(m, pathUnderPlatform) !== null);
}
