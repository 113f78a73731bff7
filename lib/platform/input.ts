import type { z } from 'zod';
import type { AnyEndpointDefinition, EndpointInput } from './endpoint';
import { badRequest, PlatformError } from './errors';
import type { MaybePromise } from './maybe-promise';
import { queryParameters } from './query-parameters';
import { unstorableText } from '@/lib/validations/storable-text';
import { MAX_JSON_DEPTH } from './services/storage-json';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/**
 * Most values (array items and object members, at any depth) a request body may hold. A davis
 * series of 100,000 numbers fits; a body of a million tiny values does not reach any schema.
 */
export const MAX_BODY_VALUES = 200_000;

/** Where a request's values come from, and how a refusal names the place of a field. */
export interface InputSource {
  params: Record<string, unknown>;
  /** The query parameters (a parameter given twice is refused here). */
  query(): Record<string, unknown>;
  /** The body as parsed JSON, refused (413) past `maxBytes`; asked only of an endpoint that takes one. */
  body(maxBytes: number): Promise<unknown>;
  /** The body's parts when it is a multipart/form-data form, else null; asked only of an endpoint that takes a form. */
  form?(maxBytes: number): Promise<Record<string, string | File> | null>;
  /** A request header, where the source has headers. */
  header?(name: string): string | null;
  wording: InputWording;
}

export interface InputWording {
  /** What a field is called in each part, e.g. 'path parameter' or 'input field'. */
  params: string;
  query: string;
  body: string;
  /** What the body as a whole is called, for a problem that is not in one field. */
  wholeBody: string;
}

/** How a multipart body's parts are named in refusals. */
const FORM_WORDING: Pick<InputWording, 'body' | 'wholeBody'> = { body: 'request body part', wholeBody: 'request body' };

/** Over HTTP: path and query parameters and a request body. */
export const HTTP_WORDING: InputWording = {
  params: 'path parameter',
  query: 'query parameter',
  body: 'request body field',
  wholeBody: 'request body',
};

/** The query of an endpoint that names no parameters: any is refused, as for every other endpoint. */
const NO_QUERY = queryParameters({});

type Part = 'params' | 'query' | 'body';
const FALLBACK_FIELD: Record<Part, string> = { params: 'path', query: 'query', body: 'body' };

function describeIssue(wording: InputWording, part: Part, error: z.ZodError): string {
  const issue = error.issues[0];
  // A query refuses what it does not name (query-parameters.ts): the first such parameter is named.
  if (issue?.code === 'unrecognized_keys' && part === 'query' && issue.path.length === 0) {
    return `Invalid ${wording.query} '${shownPath([issue.keys[0] ?? ''])}': ${issue.message}`;
  }
  const message = issue?.message ?? 'invalid value';
  const hasPath = issue !== undefined && issue.path.length > 0;
  if (!hasPath && (part === 'body' || wording[part] === wording.body)) return `Invalid ${wording.wholeBody}: ${message}`;
  const field = hasPath ? issue.path.map(String).join('.') : FALLBACK_FIELD[part];
  return `Invalid ${wording[part]} '${field}': ${message}`;
}

function validate<T>(schema: z.ZodType<T> | undefined, value: unknown, wording: InputWording, part: Part): T {
  if (!schema) return value as T;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badRequest(describeIssue(wording, part, parsed.error));
  return parsed.data;
}

/** The same for a form, whose file parts are read asynchronously. */
async function validateForm<T>(schema: z.ZodType<T>, value: unknown, wording: InputWording): Promise<T> {
  const parsed = await schema.safeParseAsync(value);
  if (!parsed.success) throw badRequest(describeIssue(wording, 'body', parsed.error));
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
function checkParameterText(where: string, values: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(values)) {
    const reason = (typeof value === 'string' ? unstorableText(value) : null) ?? unstorableText(name);
    if (reason) throw badRequest(`Invalid ${where} '${shownPath([name])}': ${reason}`);
  }
}

function queryObject(search: URLSearchParams): Record<string, string> {
  // Without a prototype, as a form's parts: ?__proto__= is a parameter like any other.
  const out: Record<string, string> = Object.create(null);
  for (const [key, value] of search) {
    if (Object.hasOwn(out, key)) throw badRequest(`Invalid query parameter '${key.slice(0, 100)}': given more than once.`);
    out[key] = value;
  }
  return out;
}

/** What the body is read from: a web Request, or the HTTP server's own view of one. */
interface BodySource {
  readonly headers: { get(name: string): string | null };
  readonly body: ReadableStream<Uint8Array> | null;
}

/** The body as bytes, refusing more than `max` bytes without reading them all. */
async function readBytes(request: BodySource, max: number): Promise<Buffer> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > max) throw new PlatformError(413, `The request body is larger than ${max} bytes.`);
  if (!request.body) return Buffer.alloc(0);
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
  return Buffer.concat(chunks);
}

async function readBody(request: BodySource, max: number): Promise<string> {
  return (await readBytes(request, max)).toString('utf8');
}

function mediaType(request: BodySource): string {
  return (request.headers.get('content-type') ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

const MAX_FORM_PARTS = 20;

/** The parts of a multipart body as its delimiter lines say (each but the closing one starts a part), up to MAX_FORM_PARTS + 1. */
function partCount(bytes: Buffer, boundary: string): number {
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const opens = (end: number) => !(bytes[end] === 0x2d && bytes[end + 1] === 0x2d);
  let count = bytes.subarray(0, delimiter.length - 2).equals(delimiter.subarray(2)) && opens(delimiter.length - 2) ? 1 : 0;
  for (let at = bytes.indexOf(delimiter); at !== -1 && count <= MAX_FORM_PARTS; at = bytes.indexOf(delimiter, at + delimiter.length)) {
    if (opens(at + delimiter.length)) count++;
  }
  return count;
}

/**
 * A multipart/form-data body as its parts (null for any other body), read by the platform's own
 * parser (undici) once the bytes are within `max`. A part given twice is refused naming it.
 */
async function formParts(request: BodySource, max: number): Promise<Record<string, string | File> | null> {
  if (mediaType(request) !== 'multipart/form-data') return null;
  const header = request.headers.get('content-type')!;
  const boundary = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(header);
  if (!boundary) throw badRequest("Invalid header 'content-type': multipart/form-data needs a boundary parameter.");
  const bytes = await readBytes(request, max);
  // Parsing a part costs far more than finding it: the parts are counted first.
  if (partCount(bytes, boundary[1] ?? boundary[2]!) > MAX_FORM_PARTS) throw badRequest(`Invalid request body: more than ${MAX_FORM_PARTS} parts.`);
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(bytes), { headers: { 'content-type': header } }).formData();
  } catch {
    throw badRequest('Invalid request body: not a readable multipart/form-data body (a part, its headers or the closing boundary is malformed).');
  }
  // Without a prototype: a part named __proto__ is a part like any other, never the object's prototype.
  const parts: Record<string, string | File> = Object.create(null);
  let count = 0;
  for (const [name, value] of form) {
    const shown = name.slice(0, 100);
    if (++count > MAX_FORM_PARTS) throw badRequest(`Invalid request body: more than ${MAX_FORM_PARTS} parts.`);
    if (Object.hasOwn(parts, name)) throw badRequest(`Invalid request body part '${shown}': given more than once.`);
    parts[name] = value;
  }
  return parts;
}

async function jsonBody(request: BodySource, max: number): Promise<unknown> {
  // A form is not JSON: said so before reading it.
  const type = mediaType(request);
  if (type === 'multipart/form-data' || type === 'application/x-www-form-urlencoded') {
    throw badRequest(`Invalid request body: expected JSON (Content-Type: application/json), got ${type}; this endpoint takes no form.`);
  }
  const text = await readBody(request, max);
  if (text.trim() === '') throw badRequest('Invalid request body: expected JSON, got an empty body.');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const detail = error instanceof SyntaxError ? error.message : 'unreadable';
    throw badRequest(`Invalid request body: not valid JSON (${detail}).`);
  }
}

/** The input of an HTTP request: the router's path parameters, the URL's query and the request's body. */
export function httpInput(params: Record<string, string>, url: URL, request: BodySource): InputSource {
  return {
    params,
    // Most calls carry no query: then no URLSearchParams is made for them.
    query: () => (url.search === '' ? {} : queryObject(url.searchParams)),
    body: (max) => jsonBody(request, max),
    form: (max) => formParts(request, max),
    header: (name) => request.headers.get(name),
    wording: HTTP_WORDING,
  };
}

/** The body's size as JSON text, refused (413) past `max`, for input that arrives parsed. */
export function checkBodySize(body: unknown, max: number): void {
  const size = Buffer.byteLength(JSON.stringify(body) ?? '', 'utf8');
  if (size > max) throw new PlatformError(413, `The request body is larger than ${max} bytes.`);
}

/**
 * Parses and validates what the endpoint declares, whatever the source: parameter text, then the
 * parameters, the query and the body (its size, its shape, then its schema). A problem becomes a
 * 400 naming the field (413 for a body too large). Input without a body is given at once.
 */
export function readInput(endpoint: AnyEndpointDefinition, source: InputSource): MaybePromise<EndpointInput<unknown, unknown, unknown>> {
  const { wording } = source;
  const given = { ...source.params };
  const headerOf = new Map<string, string>();
  for (const { header, param, default: fallback } of endpoint.headerParams ?? []) {
    const sent = given[param] === undefined ? source.header?.(header) : null;
    if (sent != null) headerOf.set(param, header);
    given[param] ??= sent ?? fallback;
  }
  checkParameterText(wording.params, given);
  const headerIssue = headerOf.size > 0 ? endpoint.params?.safeParse(given).error?.issues[0] : undefined;
  const header = headerIssue && headerOf.get(String(headerIssue.path[0]));
  if (headerIssue && header) throw badRequest(`Invalid header '${header}': ${headerIssue.message}`);
  const params = validate(endpoint.params, given, wording, 'params');
  const rawQuery = source.query();
  checkParameterText(wording.query, rawQuery);
  const query = validate(endpoint.query ?? NO_QUERY, rawQuery, wording, 'query');
  // Without a body there is nothing to wait for.
  if (!endpoint.body && !endpoint.formBody) return { params, query, body: undefined };
  return validatedBody(endpoint, source).then((body) => ({ params, query, body }));
}

/** The largest body a call of the endpoint takes, over HTTP or from a workflow task. */
export function maxBodyBytes(endpoint: AnyEndpointDefinition): number {
  return endpoint.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
}

async function validatedBody(endpoint: AnyEndpointDefinition, source: InputSource): Promise<unknown> {
  const { wording } = source;
  const maxBytes = maxBodyBytes(endpoint);
  const form = endpoint.formBody && source.form ? await source.form(maxBytes) : null;
  if (form && endpoint.formBody) return validateForm(endpoint.formBody, form, { ...wording, ...FORM_WORDING });
  if (!endpoint.body) return undefined;
  const raw = await source.body(maxBytes);
  checkBodyValue(raw);
  return validate(endpoint.body, raw, wording, 'body');
}
