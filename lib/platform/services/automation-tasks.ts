import { z } from 'zod';
import { ATTRIBUTES } from '@/lib/iam/permissions';
import { STORAGE_TABLE_READ_SCOPES, type ScopeName, type StorageTable } from '../catalogue';
import type { AnyEndpointDefinition, PlatformAttributes } from '../endpoint';
import { PlatformError } from '../errors';
import { maxBodyBytes } from '../input';
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

/** How many characters indenting by two adds to the JSON of `value`, counted until they pass `max`. */
function indentation(value: unknown, max: number): number {
  let added = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0 && added <= max) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    const members = Array.isArray(item) ? (item as unknown[]) : Object.values(item);
    if (members.length === 0) continue;
    // Each member on a line of its own one level deeper (after ': ' in an object), and the closing bracket on one.
    added += members.length * (2 * depth + (Array.isArray(item) ? 3 : 4)) + 2 * depth + 1;
    for (const member of members) stack.push([member, depth + 1]);
  }
  return added;
}

/**
 * A referenced result (records, say) becomes JSON text where the endpoint takes text: indented,
 * unless the indentation alone would take it past the endpoint's body limit (a deeply nested value
 * indents to many times its size), then without.
 */
function asText(input: Record<string, unknown>, field: string, endpoint: AnyEndpointDefinition): Record<string, unknown> {
  const value = input[field];
  if (value === undefined || typeof value === 'string') return {};
  const compact = JSON.stringify(value);
  const room = maxBodyBytes(endpoint) - compact.length;
  return { [field]: room >= 0 && indentation(value, room) <= room ? JSON.stringify(value, null, 2) : compact };
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
    (input) => ({ body: { ...input, ...asText(input, 'body', sendEmailEndpoint) } }),
    echoesInput,
  ),
  'notification.send': action(
    createSelfNotificationEndpoint,
    'Notifies the token owner: input { title, message?, severity? }; a message that is not text is sent as JSON.',
    (input) => ({ body: { ...input, ...asText(input, 'message', createSelfNotificationEndpoint) } }),
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

/** Most references one task's input resolves: far more than a task needs, and each costs a lookup. */
export const MAX_TASK_REFERENCES = 1000;

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

/** Which task is resolved, and the largest body its action's endpoint takes. */
export interface ResolveLimits {
  task: string;
  maxBytes: number;
}

/**
 * The value with every reference replaced from `scope` ({ input, tasks }), refused (413) as soon as
 * it grows past `maxBytes`. A value referred to many times is one value in memory, but as many
 * copies in the JSON that sends it: counting while resolving keeps them from being written out at
 * all. The count is the characters of the strings and, for each other referenced value, of its JSON
 * (made once per value): never more than the bytes they take in the body, so nothing refused here
 * would have passed the body's own size check.
 */
export function resolveReferences(value: unknown, scope: Record<string, unknown>, limits: ResolveLimits): unknown {
  let size = 0;
  let count = 0;
  const json = new Map<unknown, string>();
  const grow = (chars: number) => {
    size += chars;
    if (size > limits.maxBytes) {
      throw new PlatformError(413, `The input of task '${limits.task}', its references resolved, is larger than ${limits.maxBytes} bytes, the largest body its action takes.`);
    }
  };
  const resolve = (path: string) => {
    if (++count > MAX_TASK_REFERENCES) throw new TaskReferenceError(`The input of task '${limits.task}' has more than ${MAX_TASK_REFERENCES} references, the most a task resolves.`);
    const found = lookup(scope, path);
    if (found === undefined) throw new TaskReferenceError(`'{{ ${path} }}' refers to nothing.`);
    return found;
  };
  const asJson = (found: unknown): string => {
    let text = json.get(found);
    if (text === undefined) json.set(found, (text = JSON.stringify(found)));
    return text;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const whole = WHOLE_REFERENCE.exec(v);
      if (whole) {
        const found = resolve(whole[1] ?? '');
        grow(typeof found === 'string' ? found.length : asJson(found).length);
        return found;
      }
      let literal = v.length;
      const text = v.replace(REFERENCE, (reference: string, path: string) => {
        const found = resolve(path);
        const part = typeof found === 'string' ? found : asJson(found);
        literal -= reference.length;
        grow(part.length);
        return part;
      });
      grow(literal);
      return text;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item)]));
    return v;
  };
  return walk(value);
}

export const taskName = z
  .string({ error: 'is required and must be a string' })
  .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,49}$/, 'must be 1-50 letters, digits, "_" or "-", starting with a letter or "_"');
