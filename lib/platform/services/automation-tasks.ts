import { z } from 'zod';
import { ATTRIBUTES } from '@/lib/iam/permissions';
import { STORAGE_TABLE_READ_SCOPES, type ScopeName, type StorageTable } from '../catalogue';
import type { AnyEndpointDefinition, PlatformAttributes } from '../endpoint';
import type { InternalInput } from './automation-invoke';
import { sendEmailEndpoint } from './email';
import { createSelfNotificationEndpoint } from './notification';
import { putAppState } from './state';
import { executeStorageQuery } from './storage-query';

// What a workflow task can do: each action is a call of one platform endpoint, with the task's
// input mapped onto that endpoint's parameters and body. Strings in an input may refer to the run's
// input and to earlier tasks' results: "{{ input.day }}", "{{ tasks.export.records }}". A string
// that is exactly one reference takes the referred value as it is (an array stays an array);
// inside longer text, a reference is written as text (JSON for objects and arrays).

/** A permission, with the request attributes its service checks it with. */
export interface ScopeCheck {
  scope: ScopeName;
  attributes?: PlatformAttributes;
}

export interface TaskAction {
  description: string;
  endpoint: AnyEndpointDefinition;
  toRequest(input: Record<string, unknown>): InternalInput;
  /**
   * What reading this task's stored result back needs (the execution is read later, possibly
   * with another token of the same owner): the read permissions of the other services' data it
   * holds. A result that only echoes the task's own input holds none.
   */
  resultReads(result: unknown): readonly ScopeCheck[];
  /** What the task's result holds, from the endpoint's answer (default: the answer). */
  toResult?(body: unknown): unknown;
}

function action(
  endpoint: AnyEndpointDefinition,
  description: string,
  toRequest: TaskAction['toRequest'],
  resultReads: TaskAction['resultReads'],
): TaskAction {
  return { endpoint, description, toRequest, resultReads };
}

const TABLES = Object.keys(STORAGE_TABLE_READ_SCOPES) as StorageTable[];
const isTable = (value: unknown): value is StorageTable => typeof value === 'string' && (TABLES as string[]).includes(value);

/** A query's records need what `query:execute` needs for their table; when the table is unknown, every table's. */
function queryResultReads(result: unknown): ScopeCheck[] {
  const table = (result as { metadata?: { table?: unknown } } | null)?.metadata?.table;
  const tables = isTable(table) ? [table] : TABLES;
  return tables.flatMap((t) => [
    { scope: 'storage:buckets:read' as const, attributes: { [ATTRIBUTES['storage:table'].name]: t } },
    { scope: STORAGE_TABLE_READ_SCOPES[t] },
  ]);
}

const echoesInput = (): ScopeCheck[] => [];

/** A referenced result (records, say) becomes JSON text where the endpoint takes text. */
function asText(input: Record<string, unknown>, field: string): Record<string, unknown> {
  const value = input[field];
  return value === undefined || typeof value === 'string' ? {} : { [field]: JSON.stringify(value, null, 2) };
}

export const TASK_ACTIONS: Readonly<Record<string, TaskAction>> = {
  'storage.query': {
    ...action(executeStorageQuery, 'Runs a storage query: input { query }. Result: { records, types, metadata }.', (input) => ({ body: input }), queryResultReads),
    // Workflows refer to a query's records as {{ tasks.<name>.records }}.
    toResult: (body) => (body as { result: unknown }).result,
  },
  'state.set': action(
    putAppState,
    'Sets an app state value: input { appId, key, value }.',
    ({ appId, key, value }) => ({ params: { appId, key }, body: { value } }),
    echoesInput,
  ),
  'email.send': action(
    sendEmailEndpoint,
    'Sends an email: input { to, subject, body, cc?, bcc?, contentType? }; a body that is not text is sent as JSON.',
    (input) => ({ body: { ...input, ...asText(input, 'body') } }),
    echoesInput,
  ),
  'notification.send': action(
    createSelfNotificationEndpoint,
    'Notifies the token owner: input { title, message?, severity? }; a message that is not text is sent as JSON.',
    (input) => ({ body: { ...input, ...asText(input, 'message') } }),
    echoesInput,
  ),
};

export const ACTION_NAMES = Object.keys(TASK_ACTIONS) as [string, ...string[]];

const REFERENCE = /\{\{\s*([A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*)\s*\}\}/g;
const WHOLE_REFERENCE = /^\{\{\s*([A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*)\s*\}\}$/;

/** Every reference in the strings of a value, as dotted paths (`tasks.export.records`). */
export function references(value: unknown): string[] {
  if (typeof value === 'string') return [...value.matchAll(REFERENCE)].map((m) => m[1] ?? '');
  if (Array.isArray(value)) return value.flatMap(references);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(references);
  return [];
}

export function hasReferences(value: unknown): boolean {
  return references(value).length > 0;
}

export class TaskReferenceError extends Error {
  override name = 'TaskReferenceError';
}

function lookup(scope: Record<string, unknown>, path: string): unknown {
  let current: unknown = scope;
  for (const segment of path.split('.')) {
    if (Array.isArray(current) && /^[0-9]+$/.test(segment)) current = current[Number(segment)];
    else if (current !== null && typeof current === 'object' && !Array.isArray(current) && Object.hasOwn(current, segment)) {
      current = (current as Record<string, unknown>)[segment];
    } else return undefined;
  }
  return current;
}

/** The value with every reference replaced from `scope` ({ input, tasks }). */
export function resolveReferences(value: unknown, scope: Record<string, unknown>): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE_REFERENCE.exec(value);
    const resolve = (path: string) => {
      const found = lookup(scope, path);
      if (found === undefined) throw new TaskReferenceError(`'{{ ${path} }}' refers to nothing.`);
      return found;
    };
    if (whole) return resolve(whole[1] ?? '');
    return value.replace(REFERENCE, (_, path: string) => {
      const found = resolve(path);
      return typeof found === 'string' ? found : JSON.stringify(found);
    });
  }
  if (Array.isArray(value)) return value.map((v) => resolveReferences(v, scope));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveReferences(v, scope)]));
  }
  return value;
}

export const taskName = z
  .string({ error: 'is required and must be a string' })
  .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,49}$/, 'must be 1-50 letters, digits, "_" or "-", starting with a letter or "_"');
