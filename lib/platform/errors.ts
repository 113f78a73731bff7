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

export function jsonResponse(body: unknown, status = 200, headers: Readonly<Record<string, string>> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...NO_STORE, ...headers },
  });
}

export function errorResponse(status: number, message: string, headers: Readonly<Record<string, string>> = {}): Response {
  return jsonResponse({ error: { code: status, message } }, status, headers);
}

export function platformErrorResponse(error: PlatformError): Response {
  return errorResponse(error.status, error.message, error.headers);
}
