import type { z } from 'zod';
import type { AnyEndpointDefinition, EndpointInput } from './endpoint';
import { badRequest, PlatformError } from './errors';

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

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
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const detail = error instanceof SyntaxError ? error.message : 'unreadable';
    throw badRequest(`Invalid request body: not valid JSON (${detail}).`);
  }
}

/** Parses and validates what the endpoint declares; a problem becomes a 400 naming the field. */
export async function readInput(
  definition: AnyEndpointDefinition,
  params: Record<string, string>,
  search: URLSearchParams,
  request: Request,
): Promise<EndpointInput<unknown, unknown, unknown>> {
  const checkedParams = validate(definition.params, params, 'path parameter', 'path');
  const query = validate(definition.query, queryObject(search), 'query parameter', 'query');
  const body = definition.body
    ? validate(definition.body, await jsonBody(request, definition.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES), 'request body field', 'body')
    : undefined;
  return { params: checkedParams, query, body };
}
