import { fillPath } from '@/lib/platform/catalogue';
import { TOKEN_PREFIX } from '@/lib/tokens/shape.mjs';

// Builds what "Send" sends and the equivalent curl command. The token never appears in either
// the URL or the command: curl reads it from $TOKEN.

export interface TryOutRequest {
  method: string;
  /** Path and query under the origin, e.g. /e/acme-prod/platform/document/v1/documents?limit=10, or /iam/v1/accounts/acme/users */
  url: string;
  body: string | null;
}

type Level = { level?: 'environment' | 'account' };

/** Whether a call goes to an environment, so one must be chosen; an account-level call names its account in the path. */
export function needsEnvironment(endpoint: Level): boolean {
  return endpoint.level !== 'account';
}

export function buildRequest(
  environmentId: string,
  endpoint: { method: string; path: string } & Level,
  pathValues: Record<string, string>,
  queryValues: Record<string, string>,
  body: string | null,
): TryOutRequest {
  const query = new URLSearchParams(Object.entries(queryValues).filter(([, value]) => value.trim() !== '')).toString();
  // An account-level endpoint is served at the root and names its account in the path.
  const under = needsEnvironment(endpoint) ? `/e/${encodeURIComponent(environmentId)}/platform` : '';
  const url = `${under}${fillPath(endpoint.path, pathValues)}${query ? `?${query}` : ''}`;
  return { method: endpoint.method, url, body: body !== null && body.trim() !== '' ? body : null };
}

/** The Authorization header to send: what was pasted, with "Bearer " added to a bare token. */
export function authorizationHeader(pasted: string): string {
  const value = pasted.trim();
  return value.startsWith(`${TOKEN_PREFIX}.`) ? `Bearer ${value}` : value;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function curlCommand(origin: string, request: TryOutRequest): string {
  const lines = [`curl -X ${request.method} ${shellQuote(`${origin}${request.url}`)}`, `-H "Authorization: Bearer $TOKEN"`];
  if (request.body !== null) lines.push(`-H 'Content-Type: application/json'`, `-d ${shellQuote(request.body)}`);
  return lines.join(' \\\n  ');
}
