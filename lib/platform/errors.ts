// The error shape of the platform API (PRODUCT.md §7): {"error":{"code":N,"message":"…"}}.
// Messages say what is wrong in words a script author can act on; they never echo a token.

/** A refusal with an HTTP status; thrown anywhere below the wrapper and turned into a response. */
export class PlatformError extends Error {
  override name = 'PlatformError';
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

const NO_STORE = { 'Cache-Control': 'no-store' } as const;

/** 401 with `WWW-Authenticate: Bearer`: no usable token (missing, malformed, unknown, disabled …). */
export function unauthorized(message: string): PlatformError {
  return new PlatformError(401, message, { 'WWW-Authenticate': 'Bearer' });
}

export function forbidden(message: string): PlatformError {
  return new PlatformError(403, message);
}

export function badRequest(message: string): PlatformError {
  return new PlatformError(400, message);
}

export function notFound(message: string): PlatformError {
  return new PlatformError(404, message);
}

/**
 * An answer before it is a web Response: the HTTP server writes it to the socket as it is
 * (scripts/platform-api.mjs), the Next.js route makes a Response of it (`answerResponse`).
 */
export interface PlatformAnswer {
  status: number;
  headers: Readonly<Record<string, string>>;
  /** Null for no body (204). */
  body: string | Uint8Array | null;
}

/**
 * The headers of a JSON answer that adds none of its own: one frozen object for all of them, so
 * that the HTTP server merges it with the common headers once (scripts/platform-api.mjs).
 */
const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'Content-Type': 'application/json; charset=utf-8', ...NO_STORE });

function isEmpty(headers: Readonly<Record<string, string>>): boolean {
  for (const _ in headers) return false;
  return true;
}

export function jsonAnswer(body: unknown, status = 200, headers: Readonly<Record<string, string>> = {}): PlatformAnswer {
  return { status, headers: isEmpty(headers) ? JSON_HEADERS : { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

export function errorAnswer(status: number, message: string, headers: Readonly<Record<string, string>> = {}): PlatformAnswer {
  return jsonAnswer({ error: { code: status, message } }, status, headers);
}

export function platformErrorAnswer(error: PlatformError): PlatformAnswer {
  return errorAnswer(error.status, error.message, error.headers);
}

export function answerResponse(answer: PlatformAnswer): Response {
  return new Response(answer.body as BodyInit | null, { status: answer.status, headers: answer.headers });
}

export function jsonResponse(body: unknown, status = 200, headers: Readonly<Record<string, string>> = {}): Response {
  return answerResponse(jsonAnswer(body, status, headers));
}

export function errorResponse(status: number, message: string, headers: Readonly<Record<string, string>> = {}): Response {
  return answerResponse(errorAnswer(status, message, headers));
}
