import { inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '@/lib/db';
import { accounts, environments } from '@/lib/db/schema';
import { pathParamNames, SERVICES, type HttpMethod } from './catalogue';
import type { AnyEndpointDefinition, EndpointLevel } from './endpoint';
import { ENDPOINTS } from './registry';

// What the API explorer shows, as plain data for the page: every service and endpoint with the
// scopes it needs, and the parameters and example body its definition declares.

export interface ExplorerParameter {
  name: string;
  required: boolean;
  hint: string | null;
}

export interface ExplorerEndpoint {
  id: string;
  method: HttpMethod;
  /** 'account': served at the root for the account in its path (PRODUCT.md §12), not under an environment. */
  level: EndpointLevel;
  path: string;
  summary: string;
  description: string | null;
  scopes: string[];
  /** One of these is needed as well, depending on the request. */
  perRequestScopes: string[];
  pathParams: string[];
  queryParams: ExplorerParameter[];
  /** Describes the JSON body; null when the endpoint takes none. */
  requestBody: string | null;
  /** Pretty-printed example body to start from. */
  exampleBody: string | null;
}

export interface ExplorerService {
  id: string;
  title: string;
  description: string;
  endpoints: ExplorerEndpoint[];
}

export interface ExplorerEnvironment {
  id: string;
  name: string;
  accountName: string;
}

function queryParameters(definition: AnyEndpointDefinition): ExplorerParameter[] {
  if (!definition.query) return [];
  const schema = z.toJSONSchema(definition.query, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, { default?: unknown; maximum?: number; minimum?: number; description?: string }>;
    required?: string[];
  };
  return Object.entries(schema.properties ?? {}).map(([name, p]) => {
    const hints = [
      p.description,
      p.minimum !== undefined && p.maximum !== undefined ? `${p.minimum}-${p.maximum}` : undefined,
      p.default !== undefined ? `default ${JSON.stringify(p.default)}` : undefined,
    ].filter(Boolean);
    return { name, required: schema.required?.includes(name) ?? false, hint: hints.length > 0 ? hints.join(', ') : null };
  });
}

export function explorerCatalogue(endpoints: readonly AnyEndpointDefinition[] = ENDPOINTS): ExplorerService[] {
  return SERVICES.map((service) => ({
    id: service.id,
    title: service.title,
    description: service.description,
    endpoints: endpoints
      .filter((e) => e.service === service.id)
      .map((e) => ({
        id: e.id,
        method: e.method,
        level: e.level ?? 'environment',
        path: e.path,
        summary: e.summary,
        description: e.description ?? null,
        scopes: [...e.scopes],
        perRequestScopes: [...(e.perRequestScopes ?? [])],
        pathParams: pathParamNames(e.path),
        queryParams: queryParameters(e),
        requestBody: e.requestBody ?? null,
        exampleBody: e.exampleBody === undefined ? (e.requestBody ? '{}' : null) : JSON.stringify(e.exampleBody, null, 2),
      })),
  }));
}

/** The environments of the accounts the user belongs to, for the explorer's picker. */
export async function explorerEnvironments(db: Executor, accountIds: readonly string[]): Promise<ExplorerEnvironment[]> {
  if (accountIds.length === 0) return [];
  const rows = await db
    .select({ id: environments.id, name: environments.name, accountId: environments.accountId })
    .from(environments)
    .where(inArray(environments.accountId, [...accountIds]));
  const names = new Map(
    (await db.select({ id: accounts.id, name: accounts.name }).from(accounts).where(inArray(accounts.id, [...accountIds]))).map((a) => [a.id, a.name]),
  );
  return rows
    .map((r) => ({ id: r.id, name: r.name, accountName: names.get(r.accountId) ?? r.accountId }))
    .sort((a, b) => a.accountName.localeCompare(b.accountName) || a.name.localeCompare(b.name));
}
