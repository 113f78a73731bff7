import { z } from 'zod';
import { ENDPOINTS, pathParamNames, SCOPES, SERVICES, type Endpoint } from './catalogue';
import type { AnyEndpointDefinition } from './endpoint';

// The OpenAPI 3.1 document of the platform API, generated from the catalogue (paths, methods,
// scopes, summaries) and, for implemented endpoints, the zod schemas of their parameters and
// bodies. Served at GET /api/openapi.json.

type JsonSchema = Record<string, unknown>;
type Schemas = Record<string, JsonSchema>;

const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'integer' }, message: { type: 'string' } },
    },
  },
};

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

const RESPONSES = {
  BadRequest: errorResponse('Bad request body or parameters; the message names the field.'),
  Unauthorized: {
    ...errorResponse('No token, malformed, bad checksum, unknown, wrong secret, deleted or disabled.'),
    headers: { 'WWW-Authenticate': { schema: { type: 'string', const: 'Bearer' } } },
  },
  Forbidden: errorResponse(
    'Expired token; environment outside the token’s reach or of another account; scope not granted or the owner lacks the permission (named in the message).',
  ),
  NotFound: errorResponse('No such resource in this environment.'),
  TooManyFailures: {
    ...errorResponse('This client failed authentication too often; it may try again after Retry-After seconds.'),
    headers: { 'Retry-After': { schema: { type: 'integer', minimum: 1 } } },
  },
};

/** JSON Schema of a zod schema; its definitions move to components.schemas under a unique prefix. */
function toSchema(schema: z.ZodType, prefix: string, components: Schemas): JsonSchema {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const defs = (json.$defs ?? {}) as Schemas;
  delete json.$defs;
  delete json.$schema;
  const rename = (name: string) => `${prefix}.${name.replace(/^_+/, '')}`;
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] =
        key === '$ref' && typeof inner === 'string' && inner.startsWith('#/$defs/')
          ? `#/components/schemas/${rename(inner.slice('#/$defs/'.length))}`
          : rewrite(inner);
    }
    return out;
  };
  for (const [name, def] of Object.entries(defs)) components[rename(name)] = rewrite(def) as JsonSchema;
  return rewrite(json) as JsonSchema;
}

function objectProperties(schema: JsonSchema): { properties: Schemas; required: Set<string> } {
  return {
    properties: (schema.properties ?? {}) as Schemas,
    required: new Set((schema.required ?? []) as string[]),
  };
}

function operation(endpoint: Endpoint, definition: AnyEndpointDefinition | undefined, components: Schemas) {
  const service = SERVICES.find((s) => s.id === endpoint.service);
  const params = definition?.params ? objectProperties(toSchema(definition.params, `${endpoint.id}.params`, components)) : null;
  const parameters: Record<string, unknown>[] = [
    { name: 'env', in: 'path', required: true, description: 'Environment ID', schema: { type: 'string' } },
    ...pathParamNames(endpoint.path).map((name) => ({
      name,
      in: 'path',
      required: true,
      schema: params?.properties[name] ?? { type: 'string' },
    })),
  ];
  if (definition?.query) {
    const query = objectProperties(toSchema(definition.query, `${endpoint.id}.query`, components));
    for (const [name, schema] of Object.entries(query.properties)) {
      parameters.push({ name, in: 'query', required: query.required.has(name), schema });
    }
  }
  const scopes = [...endpoint.scopes];
  const scopeText = scopes.map((s) => `\`${s}\``).join(', ');
  const perRequest = endpoint.perRequestScopes ? ` Also one of: ${endpoint.perRequestScopes.map((s) => `\`${s}\``).join(', ')}.` : '';
  return {
    operationId: endpoint.id,
    summary: endpoint.summary,
    description: [endpoint.description, `Required scopes: ${scopeText}.${perRequest}`].filter(Boolean).join('\n\n'),
    tags: [service?.title ?? endpoint.service],
    parameters,
    ...(endpoint.requestBody
      ? {
          requestBody: {
            required: true,
            description: endpoint.requestBody,
            content: {
              'application/json': {
                schema: definition?.body ? toSchema(definition.body, `${endpoint.id}.body`, components) : {},
                ...(definition?.exampleBody === undefined ? {} : { example: definition.exampleBody }),
              },
            },
          },
        }
      : {}),
    responses: {
      [endpoint.method === 'POST' && endpoint.id.endsWith('.create') ? '201' : '200']: {
        description: 'Success',
        content: { 'application/json': { schema: { type: 'object' } } },
      },
      '400': { $ref: '#/components/responses/BadRequest' },
      '401': { $ref: '#/components/responses/Unauthorized' },
      '403': { $ref: '#/components/responses/Forbidden' },
      '404': { $ref: '#/components/responses/NotFound' },
      '429': { $ref: '#/components/responses/TooManyFailures' },
    },
    security: [{ bearer: scopes }],
    'x-required-scopes': scopes,
    ...(endpoint.perRequestScopes ? { 'x-required-one-of-scopes': [...endpoint.perRequestScopes] } : {}),
  };
}

export function openApiDocument(implemented: ReadonlyMap<string, AnyEndpointDefinition>) {
  const components: Schemas = { Error: ERROR_SCHEMA };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const endpoint of ENDPOINTS) {
    const path = `/e/{env}/platform${endpoint.path}`;
    paths[path] ??= {};
    paths[path][endpoint.method.toLowerCase()] = operation(endpoint, implemented.get(endpoint.id), components);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Platform API',
      version: '1.0.0',
      description:
        'Platform services per environment. Every call takes `Authorization: Bearer <platform token>`; errors are `{"error":{"code":N,"message":"…"}}`.',
    },
    servers: [{ url: '/' }],
    tags: SERVICES.map((s) => ({ name: s.title, description: s.description })),
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'dt0s16.<PUBLIC>.<SECRET>',
          description: `A platform token. Scopes: ${SCOPES.map((s) => s.name).join(', ')}.`,
        },
      },
      schemas: components,
      responses: RESPONSES,
    },
  };
}
