// The platform's services and scopes (PRODUCT.md §7); each endpoint is defined once, in its
// service's file (registry.ts lists them). The create form's scope table, the API explorer, the
// OpenAPI document, the route guards and the IAM permission registry are all built from these.

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
  | 'platform-management'
  | 'account-management';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

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
  {
    id: 'account-management',
    title: 'Account management',
    description: "The account's platform tokens, users and service users, for automation (Terraform, CI).",
  },
];

export const SCOPES = [
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
  { name: 'automation:workflows:write', service: 'automation', description: 'Create, change and delete workflows' },
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

  { name: 'platform-token:tokens:manage', service: 'account-management', description: "Manage the account's platform tokens" },
  { name: 'account-idm-read', service: 'account-management', description: "Read the account's users and service users" },
  { name: 'account-idm-write', service: 'account-management', description: "Manage the account's users and service users" },
] as const satisfies readonly Scope[];

/** Every scope name; a misspelt one does not compile. */
export type ScopeName = (typeof SCOPES)[number]['name'];

/** The read scope `query:execute` needs for the table named in `fetch <table>`. */
export const STORAGE_TABLE_READ_SCOPES = {
  events: 'storage:events:read',
  bizevents: 'storage:bizevents:read',
  logs: 'storage:logs:read',
} as const satisfies Record<'events' | 'bizevents' | 'logs', ScopeName>;

export type StorageTable = keyof typeof STORAGE_TABLE_READ_SCOPES;

const SCOPE_NAMES: ReadonlySet<string> = new Set(SCOPES.map((s) => s.name));

export function isScopeName(name: string): name is ScopeName {
  return SCOPE_NAMES.has(name);
}

export function isServiceId(id: string): id is ServiceId {
  return SERVICES.some((s) => s.id === id);
}

export function scopesOfService(service: ServiceId): readonly Scope[] {
  return SCOPES.filter((s) => s.service === service);
}

/** Names of the {param} placeholders of a path, in order. */
export function pathParamNames(path: string): string[] {
  return Array.from(path.matchAll(/\{([A-Za-z][A-Za-z0-9]*)\}/g), (m) => m[1] ?? '');
}

/** Fills the placeholders of a path template, URL-encoding each value. */
export function fillPath(path: string, params: Record<string, string>): string {
  return path.replace(/\{([A-Za-z][A-Za-z0-9]*)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
}
