// The platform API (/e/{env}/platform/...) answered by the HTTP server itself: the same handler
// the Next.js route calls (lib/platform/process.ts), reached without Next.js's router and request
// handling, which take several times what verifying a token does. instrumentation.ts offers the
// handler when the server starts; until then, and for any other method, Next.js routes the call.
import { API_POLICY, COMMON_HEADERS } from '../lib/http/security-headers.mjs';

const HANDLER = Symbol.for('platform-tokens.platform-api');
const PLATFORM_PATH = /^\/e\/[^/?#]+\/platform\//;
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
const HEADERS = [...COMMON_HEADERS, API_POLICY];

/** The handler, when this request is one it answers; otherwise null (Next.js takes it). */
export function platformApiFor(req) {
  const handler = globalThis[HANDLER];
  if (typeof handler !== 'function' || !METHODS.has(req.method ?? '')) return null;
  const url = req.url ?? '';
  return url.startsWith('/e/') && PLATFORM_PATH.test(url) ? handler : null;
}

/**
 * The request body as a web stream, and a way to drop what the handler left unread (a body over
 * its limit, or one it never needed because the token was refused): the rest is read and dropped
 * rather than the connection reset or left stalled, so the client gets the answer and can send
 * its next request on the same connection.
 */
function bodyStream(req) {
  let dropped = false;
  const drop = () => {
    dropped = true;
    req.resume();
  };
  const stream = new ReadableStream({
    start(controller) {
      req.on('data', (chunk) => {
        if (dropped) return;
        controller.enqueue(new Uint8Array(chunk));
        if ((controller.desiredSize ?? 1) <= 0) req.pause();
      });
      req.once('end', () => dropped || controller.close());
      req.once('error', (error) => dropped || controller.error(error));
    },
    pull() {
      req.resume();
    },
    cancel: drop,
  });
  return { stream, drop };
}

/** A web Request as the route handler would get it, and how to drop the body it left unread. */
function toRequest(req) {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i];
    // Pseudo-headers and connection-level headers are not the request's.
    if (name.startsWith(':') || /^(connection|keep-alive|transfer-encoding|upgrade)$/i.test(name)) continue;
    headers.append(name, req.rawHeaders[i + 1]);
  }
  // As Next.js does: the client's address when no trusted proxy gave one (scripts/server.mjs
  // drops a client's own unless TRUST_PROXY=true).
  if (!headers.has('x-forwarded-for') && req.socket.remoteAddress) headers.set('x-forwarded-for', req.socket.remoteAddress);
  const body = req.method !== 'GET' && req.method !== 'HEAD' ? bodyStream(req) : null;
  const request = new Request(`http://localhost${req.url}`, {
    method: req.method,
    headers,
    ...(body ? { body: body.stream, duplex: 'half' } : {}),
  });
  return { request, dropBody: body?.drop ?? (() => req.resume()) };
}

async function answer(handler, req, res) {
  let converted = null;
  try {
    converted = toRequest(req);
  } catch {
    // The handler answers every failure itself; this is a request it could not even be given.
    req.resume();
  }
  const response = converted
    ? await handler(converted.request).finally(converted.dropBody)
    : Response.json({ error: { code: 400, message: 'The request could not be read.' } }, { status: 400, headers: { 'Cache-Control': 'no-store' } });
  const body = Buffer.from(await response.arrayBuffer());
  for (const { key, value } of HEADERS) res.setHeader(key, value);
  response.headers.forEach((value, key) => res.setHeader(key, value));
  res.setHeader('Content-Length', body.length);
  res.statusCode = response.status;
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Answers the request with the platform API; never rejects. */
export function servePlatformApi(handler, req, res) {
  answer(handler, req, res).catch((error) => {
    // Only the error's first line: never the request, whose headers carry the token.
    console.error(`[platform] ${req.method} failed: ${error instanceof Error ? error.message.split('\n')[0] : 'unknown error'}`);
    if (!res.headersSent) {
      res.statusCode = 500;
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.end(JSON.stringify({ error: { code: 500, message: 'Internal error. The request was not completed; try again later.' } }));
    } else {
      res.destroy();
    }
  });
}
