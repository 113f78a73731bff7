import type { z } from 'zod';
import type { AnyEndpointDefinition, EndpointInput } from './endpoint';
import { badRequest, PlatformError } from './errors';
import { unstorableText } from '@/lib/validations/storable-text';
import { MAX_JSON_DEPTH } from './services/storage-json';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/**
 * Most values (array items and object members, at any depth) a request body may hold. A davis
 * series of 100,000 numbers fits; a body of a million tiny values does not reach any schema.
 */
export const MAX_BODY_VALUES = 200_000;

type Where = 'path parameter' | 'query parameter' | 'request body field';

function describeIssue(where: Where, error: z.ZodError, fallbackField: string): string {
  const issue = error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : fallbackField;
  const message = issue?.message ?? 'invalid value';
  if (where === 'request body field' && (!issue || issue.path.length === 0)) return `Invalid request body: ${message}`;
  return `Invalid ${where} '${field}': ${message}`;
}

function validate<T>(schema: z.ZodType<T> | undefined, value: unknown, where: Where, fallbackField: string): T {
  if (!schema) return value as T;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badRequest(describeIssue(where, parsed.error, fallbackField));
  return parsed.data;
}

const MAX_SHOWN_SEGMENTS = 8;
const MAX_SHOWN_PATH = 200;

/** A field path for a message: its first segments, cut short when long. */
function shownPath(path: readonly string[]): string {
  const joined = path.slice(0, MAX_SHOWN_SEGMENTS).join('.');
  const cut = joined.length > MAX_SHOWN_PATH ? joined.slice(0, MAX_SHOWN_PATH) : joined;
  return cut.length < path.join('.').length ? `${cut}…` : cut;
}

interface BodyNode {
  value: unknown;
  depth: number;
  parent: BodyNode | null;
  key: string;
}

function pathOf(node: BodyNode): string[] {
  const path: string[] = [];
  for (let n: BodyNode | null = node; n?.parent; n = n.parent) path.push(n.key);
  return path.reverse();
}

function refuseAt(node: BodyNode, message: string): never {
  const path = pathOf(node);
  if (path.length === 0) throw badRequest(`Invalid request body: ${message}`);
  throw badRequest(`Invalid request body field '${shownPath(path)}': ${message}`);
}

/**
 * Refuses, before any schema sees it, a body nested deeper than MAX_JSON_DEPTH or holding more than
 * MAX_BODY_VALUES values: no schema then recurses through a hostile body or spends long on it.
 * Walks the value with a stack of its own, so depth never costs call stack. (What text a field may
 * hold is its schema's say: a stored one refuses what PostgreSQL cannot store, see storage-json.ts.)
 */
export function checkBodyValue(value: unknown): void {
  const stack: BodyNode[] = value !== null && typeof value === 'object' ? [{ value, depth: 0, parent: null, key: '' }] : [];
  let values = 0;
  while (stack.length > 0) {
    const node = stack.pop()!;
    const item = node.value as object;
    const keys = Array.isArray(item) ? null : Object.keys(item);
    const size = keys ? keys.length : (item as unknown[]).length;
    if (size === 0) continue;
    if (node.depth >= MAX_JSON_DEPTH) refuseAt(node, `is nested deeper than ${MAX_JSON_DEPTH} levels, the most a request body may have`);
    values += size;
    if (values > MAX_BODY_VALUES) {
      refuseAt(node, `takes the body past ${MAX_BODY_VALUES} values (array items and object members), the most a request body may hold`);
    }
    // Only objects and arrays can nest or hold more values: the rest is never visited.
    const depth = node.depth + 1;
    const visit = (child: unknown, key: string) => {
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth, parent: node, key });
    };
    if (keys) for (const key of keys) visit((item as Record<string, unknown>)[key], key);
    else (item as unknown[]).forEach((child, i) => visit(child, String(i)));
  }
}

/** Path and query parameters are text too: the same characters are refused there, naming the parameter. */
function checkParameterText(where: Where, values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) {
    const reason = unstorableText(value) ?? unstorableText(name);
    if (reason) throw badRequest(`Invalid ${where} '${shownPath([name])}': ${reason}`);
  }
}

function queryObject(search: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of search) {
    if (Object.hasOwn(out, key)) throw badRequest(`Invalid query parameter '${key.slice(0, 100)}': given more than once.`);
    out[key] = value;
  }
  return out;
}

/** The body as text, refusing more than `max` bytes without reading them all. */
async function readBody(request: Request, max: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > max) throw new PlatformError(413, `The request body is larger than ${max} bytes.`);
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      throw new PlatformError(413, `The request body is larger than ${max} bytes.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function jsonBody(request: Request, max: number): Promise<unknown> {
  const text = await readBody(request, max);
  if (text.trim() === '') throw badRequest('Invalid request body: expected JSON, got an empty body.');
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    const detail = error instanceof SyntaxError ? error.message : 'unreadable';
    throw badRequest(`Invalid request body: not valid JSON (${detail}).`);
  }
  checkBodyValue(value);
  return value;
}

/** Parses and validates what the endpoint declares; a problem becomes a 400 naming the field. */
export async function readInput(
  definition: AnyEndpointDefinition,
  params: Record<string, string>,
  search: URLSearchParams,
  request: Request,
): Promise<EndpointInput<unknown, unknown, unknown>> {
  checkParameterText('path parameter', params);
  const checkedParams = validate(definition.params, params, 'path parameter', 'path');
  const rawQuery = queryObject(search);
  checkParameterText('query parameter', rawQuery);
  const query = validate(definition.query, rawQuery, 'query parameter', 'query');
  const body = definition.body
    ? validate(definition.body, await jsonBody(request, definition.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES), 'request body field', 'body')
    : undefined;
  return { params: checkedParams, query, body };
}
