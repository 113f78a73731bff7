// The platform API (/e/{env}/platform/..., /platform/... by host or at the root: see
// lib/platform/addressing.mjs, and the account management API at /iam/v1/accounts/...) answered
// by the HTTP server itself: the same handler
// the Next.js route calls (lib/platform/process.ts), reached without Next.js's router and request
// handling, which take several times what verifying a token does. instrumentation.ts registers the
// handler when the server starts (lib/platform/registration.mjs); until then, and for any other
// method, Next.js routes the call.
import { API_POLICY, COMMON_HEADERS } from '../lib/http/security-headers.mjs';
import { isPlatformTarget } from '../lib/platform/addressing.mjs';
import { registeredPlatformHandler } from '../lib/platform/registration.mjs';

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */
/** @typedef {import('../lib/platform/registration.mjs').PlatformHandler} PlatformHandler */
/** @typedef {import('../lib/platform/registration.mjs').PlatformRequest} PlatformRequest */
/** @typedef {import('../lib/platform/registration.mjs').PlatformAnswer} PlatformAnswer */
// The account management API (PRODUCT.md §12), served by the same handler.
const ACCOUNT_API_PREFIX = '/iam/v1/accounts/';
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
// The headers of every answer as writeHead takes them, name and value in turn, and their names.
const HEADERS = [...COMMON_HEADERS, API_POLICY].flatMap(({ key, value }) => [key, value]);
const HEADER_AT = new Map(HEADERS.flatMap((name, at) => (at % 2 === 0 ? [[name.toLowerCase(), at]] : [])));

// Pseudo-headers and connection-level headers are not the request's.
const CONNECTION_LEVEL = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade']);
/** @param {string} name a header name in lower case */
const notTheRequests = (name) => name.startsWith(':') || CONNECTION_LEVEL.has(name);
const FORWARDING = ['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'x-real-ip', 'forwarded'];
// The most of an unread body that is read and dropped to keep the connection; past it, it closes.
const MAX_DRAINED_BYTES = 1024 * 1024;

/**
 * Drops the headers a client sent to claim another address, host or scheme (when no trusted
 * proxy is in front); Next.js and the platform API then use the socket's address and the Host
 * header. Everything downstream reads `req.headers`, never `req.rawHeaders`.
 */
/** @param {IncomingMessage} req */
export function dropClientForwarding(req) {
  const headers = req.headers;
  for (const name of FORWARDING) if (headers[name] !== undefined) delete headers[name];
}

/**
 * The handler, when this request is one it answers; otherwise null (Next.js takes it).
 * @param {IncomingMessage} req
 * @returns {PlatformHandler | null}
 */
export function platformApiFor(req) {
  const handler = registeredPlatformHandler();
  if (!handler || !METHODS.has(req.method ?? '')) return null;
  const url = req.url ?? '';
  return isPlatformTarget(url) || url.startsWith(ACCOUNT_API_PREFIX) ? handler : null;
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
    if (dropped || req.readableEnded) return;
    dropped = true;
    let drained = 0;
    req.on('data', (chunk) => {
      drained += chunk.length;
      if (drained > MAX_DRAINED_BYTES) req.socket.destroy();
    });
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

/**
 * A GET or HEAD as the handler reads it, straight from the node request: what a web Request would
 * say, without building its headers list and streams for every call.
 * @param {IncomingMessage} req
 * @returns {PlatformRequest}
 */
function toBodilessRequest(req) {
  const remoteAddress = req.socket.remoteAddress;
  return {
    method: req.method ?? 'GET',
    url: `http://localhost${req.url}`,
    headers: {
      get(name) {
        const key = name.toLowerCase();
        if (notTheRequests(key)) return null;
        // From req.headers, where dropClientForwarding has removed what a client may not claim.
        const value = req.headers[key];
        if (value === undefined) return key === 'x-forwarded-for' && remoteAddress ? remoteAddress : null;
        return Array.isArray(value) ? value.join(', ') : value;
      },
    },
    body: null,
  };
}

/** A web Request as the route handler would get it, and how to drop the body it left unread. */
function toRequest(req) {
  // From req.headers, where dropClientForwarding has removed what a client may not claim.
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || notTheRequests(name)) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  // As Next.js does: the client's address when no trusted proxy gave one (scripts/server.mjs
  // drops a client's own unless TRUST_PROXY=true).
  if (!headers.has('x-forwarded-for') && req.socket.remoteAddress) headers.set('x-forwarded-for', req.socket.remoteAddress);
  const body = bodyStream(req);
  const dropBody = body.drop;
  try {
    const request = new Request(`http://localhost${req.url}`, { method: req.method, headers, body: body.stream, duplex: 'half' });
    return { request, dropBody };
  } catch (error) {
    dropBody();
    throw error;
  }
}

/** @returns {PlatformAnswer} */
function jsonError(status, message) {
  return {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' },
    body: JSON.stringify({ error: { code: status, message } }),
  };
}

// The head of answers whose headers are one shared, frozen object (most JSON answers): merged once.
const HEADS = new WeakMap();

/**
 * The common headers with the answer's own: its value of a common header replaces it; the length
 * is always the body's, added by `send`.
 * @param {Readonly<Record<string, string>>} headers
 * @returns {Array<string>}
 */
function headOf(headers) {
  const known = HEADS.get(headers);
  if (known) return known;
  const head = [...HEADERS];
  for (const key of Object.keys(headers)) {
    const name = key.toLowerCase();
    const at = HEADER_AT.get(name);
    if (at !== undefined) head[at + 1] = headers[key];
    else if (name !== 'content-length') head.push(key, headers[key]);
  }
  if (Object.isFrozen(headers)) HEADS.set(headers, head);
  return head;
}

/**
 * Writes the answer: a text body goes out with the head in one write.
 * @param {IncomingMessage} req
 * @param {ServerResponse} res
 * @param {PlatformAnswer} answer
 */
function send(req, res, { status, headers, body }) {
  const content = body ?? '';
  const head = [...headOf(headers), 'Content-Length', typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength];
  // One call with every header, checked by Node.js as setHeader checks each.
  res.writeHead(status, head);
  res.end(req.method === 'HEAD' ? undefined : content);
}

/**
 * A web Response (a handler may give one) as an answer.
 * @param {Response} response
 * @returns {Promise<PlatformAnswer>}
 */
async function fromResponse(response) {
  /** @type {Record<string, string>} */
  const headers = {};
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
  return { status: response.status, headers, body: new Uint8Array(await response.arrayBuffer()) };
}

/**
 * Writes out what the handler gave: at once when it is an answer, when it arrives for a promise
 * (one reaction, for the answer and for a failure). A failure goes to `failed`.
 * @param {IncomingMessage} req
 * @param {ServerResponse} res
 * @param {PlatformAnswer | Response | Promise<PlatformAnswer | Response>} result
 * @param {(error: unknown) => void} failed
 */
function sendResult(req, res, result, failed) {
  if (result instanceof Promise) {
    result.then((settled) => sendResult(req, res, settled, failed), failed);
    return;
  }
  try {
    if (result instanceof Response) fromResponse(result).then((converted) => send(req, res, converted)).catch(failed);
    else send(req, res, result);
  } catch (error) {
    failed(error);
  }
}

/**
 * Answers the request, at once or when the handler's promise settles; a failure goes to `failed`
 * (a handler that throws at once throws here).
 * @param {PlatformHandler} handler
 * @param {IncomingMessage} req
 * @param {ServerResponse} res
 * @param {(error: unknown) => void} failed
 */
function answer(handler, req, res, failed) {
  if (req.method === 'GET' || req.method === 'HEAD') {
    // Nothing to read: whatever a client sent after the head is dropped, so the connection goes on.
    req.resume();
    sendResult(req, res, handler(toBodilessRequest(req)), failed);
    return;
  }
  let converted = null;
  try {
    converted = toRequest(req);
  } catch {
    // The handler answers every failure itself; this is a request it could not even be given.
    req.resume();
  }
  if (!converted) {
    sendResult(req, res, jsonError(400, 'The request could not be read.'), failed);
    return;
  }
  const { request, dropBody } = converted;
  // A handler that throws rather than rejects still has its unread body dropped.
  new Promise((resolve) => resolve(handler(request)))
    .finally(dropBody)
    .then((result) => sendResult(req, res, result, failed), failed);
}

/**
 * Answers the request with the platform API; never throws or rejects.
 * @param {PlatformHandler} handler
 * @param {IncomingMessage} req
 * @param {ServerResponse} res
 */
export function servePlatformApi(handler, req, res) {
  const failed = (error) => {
    // Only the error's first line: never the request, whose headers carry the token.
    console.error(`[platform] ${req.method} failed: ${error instanceof Error ? error.message.split('\n')[0] : 'unknown error'}`);
    if (!res.headersSent) {
      const body = JSON.stringify({ error: { code: 500, message: 'Internal error. The request was not completed; try again later.' } });
      send(req, res, { status: 500, headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }, body });
    } else {
      res.destroy();
    }
  };
  try {
    answer(handler, req, res, failed);
  } catch (error) {
    failed(error);
  }
}
