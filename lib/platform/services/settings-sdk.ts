import { z } from 'zod';
import { defineEndpoint, noContent, ok, type PlatformContext } from '../endpoint';
import { badRequest, notFound } from '../errors';
import { pageKey, readPageKeyParameter } from './pagination';
import { ENVIRONMENT, READ, SCHEMA_ID } from './settings';
import {
  commaSeparated,
  countObjects,
  createObjects,
  deleteObject,
  fieldList,
  getObject,
  listObjectPage,
  objectIdParams,
  objectPosition,
  objectSchemaId,
  pageSizeParam,
  pickFields,
  schemaIdField,
  updateObject,
  valueField,
  versionToken,
  type SettingsObjectView,
} from './settings-objects';
import { findSettingsSchema, SETTINGS_SCHEMAS, schemaView } from './settings-schemas';
import { queryParameters } from '../query-parameters';

// The environment's settings as the original platform's Settings 2.0 API has them (and its SDK,
// @dynatrace-sdk/client-classic-environment-v2's SettingsObjectsClient and SettingsSchemasClient,
// calls them): /classic/environment-api/v2/settings/... The objects are those of
// /settings/v1/objects. Every object here targets the scope `environment`: the portal keeps no
// monitored entities for another scope to name. Update tokens are the object's version.

const BASE = '/classic/environment-api/v2/settings';
const ENVIRONMENT_SCOPE = 'environment';

const SERVED_FIELDS = ['objectId', 'schemaId', 'schemaVersion', 'scope', 'value', 'updateToken', 'created', 'modified', 'createdBy'] as const;
const NOT_KEPT_FIELDS = ['summary', 'searchSummary', 'modifiedBy', 'author', 'modificationInfo', 'resourceContext', 'owner', 'externalId'];
type Field = (typeof SERVED_FIELDS)[number];
const DEFAULT_FIELDS: readonly Field[] = ['objectId', 'value'];

const settingsObject = z
  .object({
    objectId: z.uuid().optional(),
    schemaId: z.string().optional(),
    schemaVersion: z.string().optional(),
    scope: z.literal(ENVIRONMENT_SCOPE).optional(),
    value: z.record(z.string(), z.unknown()).optional(),
    updateToken: z.string().optional().meta({ description: 'Send it back on update or delete to detect changes made meanwhile' }),
    created: z.int().optional().meta({ description: 'Milliseconds since the epoch' }),
    modified: z.int().optional().meta({ description: 'Milliseconds since the epoch' }),
    createdBy: z.string().optional().meta({ description: 'The ID of the user or service user that created it' }),
  })
  .meta({ id: 'ClassicSettingsObject' });

function classicView(object: SettingsObjectView): z.infer<typeof settingsObject> {
  return {
    objectId: object.objectId,
    schemaId: object.schemaId,
    ...(object.schemaVersion === null ? {} : { schemaVersion: object.schemaVersion }),
    scope: ENVIRONMENT_SCOPE,
    value: object.value,
    updateToken: String(object.version),
    created: Date.parse(object.createdAt),
    modified: Date.parse(object.updatedAt),
    ...(object.owner ? { createdBy: object.owner.id } : {}),
  };
}

const notSupported = (name: string, why: string) => z.never({ error: `${name} is not supported here: ${why}` });
const NO_ADMIN = 'this portal has no settings:objects:admin permission; every caller sees what its policies allow';

const listQuery = queryParameters(
  {
    schemaIds: commaSeparated('schema ID').optional(),
    scopes: commaSeparated('scope').optional(),
    fields: fieldList(SERVED_FIELDS, NOT_KEPT_FIELDS).optional(),
    nextPageKey: z.string().max(4000, 'is not a page key of this list').optional(),
    pageSize: pageSizeParam.optional(),
    adminAccess: notSupported('adminAccess', NO_ADMIN).optional(),
  },
  { takes: ['schemaIds', 'scopes', 'fields', 'nextPageKey', 'pageSize'] },
);

/** What the next page key carries: the first page's query, and where the page ends. */
const listKey = z.object({
  schemaIds: z.array(z.string()).optional(),
  scopes: z.array(z.string()).optional(),
  fields: z.array(z.enum(SERVED_FIELDS)),
  pageSize: z.int().min(1).max(500),
  after: objectPosition,
});

const objectsList = z.object({
  items: z.array(settingsObject),
  totalCount: z.int().min(0),
  pageSize: z.int().min(1),
  nextPageKey: z.string().optional().meta({ description: 'Absent on the last page' }),
});

export const listClassicSettingsObjects = defineEndpoint({
  id: 'settings.classic.objects.list',
  service: 'settings',
  method: 'GET',
  path: `${BASE}/objects`,
  scopes: ['settings:objects:read'],
  summary: 'List settings objects (Settings 2.0)',
  description: 'By schemaIds and/or scopes; nextPageKey alone for the next page. fields replaces the default objectId,value.',
  query: listQuery,
  responses: { 200: { description: 'A page of the objects the owner may read.', schema: objectsList } },
  async handle({ query }, ctx) {
    if (query.nextPageKey !== undefined) {
      const extra = (['schemaIds', 'scopes', 'fields', 'pageSize'] as const).find((name) => query[name] !== undefined);
      if (extra) throw badRequest(`Invalid query parameter '${extra}': leave it out with nextPageKey, which carries the query of the first page.`);
    }
    const key = readPageKeyParameter(query.nextPageKey, 'nextPageKey', listKey);
    const q = key ?? { schemaIds: query.schemaIds, scopes: query.scopes, fields: query.fields ?? [...DEFAULT_FIELDS], pageSize: query.pageSize ?? 100 };
    if (!q.schemaIds && !q.scopes) throw badRequest("Invalid query parameter 'schemaIds': give schemaIds or scopes (or the nextPageKey of a previous page).");
    for (const schemaId of q.schemaIds ?? []) {
      if (!findSettingsSchema(SETTINGS_SCHEMAS, schemaId)) {
        throw badRequest(`Invalid query parameter 'schemaIds': there is no schema '${schemaId}'. ${ENVIRONMENT.schemasHint}`);
      }
    }
    // Only the environment scope holds objects here; the schemas the owner may not read are left out.
    const schemaIds =
      q.scopes && !q.scopes.includes(ENVIRONMENT_SCOPE)
        ? []
        : SETTINGS_SCHEMAS.map((s) => s.schemaId).filter((id) => (!q.schemaIds || q.schemaIds.includes(id)) && ctx.permits(READ, { [SCHEMA_ID]: id }));
    if (schemaIds.length === 0) return ok({ items: [], totalCount: 0, pageSize: q.pageSize });
    const page = await listObjectPage(ctx, ENVIRONMENT, { limit: q.pageSize, schemaIds, after: key?.after ?? null }, () => true);
    const totalCount = await countObjects(ctx, ENVIRONMENT, schemaIds);
    return ok({
      items: page.items.map((object) => pickFields(classicView(object), q.fields)),
      totalCount,
      pageSize: q.pageSize,
      ...(page.after ? { nextPageKey: pageKey({ ...q, after: page.after }) } : {}),
    });
  },
});

const createItem = z.object({
  schemaId: schemaIdField,
  scope: z.literal(ENVIRONMENT_SCOPE, { error: `must be '${ENVIRONMENT_SCOPE}': this portal keeps no monitored entities for an object to target` }),
  value: valueField,
  schemaVersion: z.string({ error: 'must be a string' }).max(50, 'must be at most 50 characters').optional(),
  externalId: notSupported('externalId', 'objects are named by their objectId alone').optional(),
  objectId: notSupported('objectId', 'it goes with externalId, which is not kept').optional(),
  insertAfter: notSupported('insertAfter', 'no schema here keeps its objects in an order').optional(),
});

const MAX_CREATE = 100;
const objectResponse = z.object({ code: z.int(), objectId: z.uuid() }).meta({ id: 'SettingsObjectResponse' });
const validateOnly = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true');

export const createClassicSettingsObjects = defineEndpoint({
  id: 'settings.classic.objects.create',
  service: 'settings',
  method: 'POST',
  path: `${BASE}/objects`,
  scopes: ['settings:objects:write'],
  summary: 'Create settings objects (Settings 2.0)',
  description: `Up to ${MAX_CREATE} objects, all or none: one that is refused (400 naming its field, 409) stores none of them.`,
  requestBody: 'JSON array of objects with schemaId, scope "environment" and value',
  body: z.array(createItem, { error: 'must be a JSON array of settings objects' }).min(1, 'must hold at least one object').max(MAX_CREATE, `can hold at most ${MAX_CREATE} objects`),
  query: queryParameters({ validateOnly: validateOnly.optional(), adminAccess: notSupported('adminAccess', NO_ADMIN).optional() }, { takes: ['validateOnly'] }),
  exampleBody: [{ schemaId: 'builtin:ownership.teams', scope: 'environment', value: { name: 'Checkout', identifier: 'checkout' } }],
  attributes: ({ body }) => body.map((object) => ({ [SCHEMA_ID]: object.schemaId })),
  errors: [409],
  responses: { 200: { description: 'One result per object, in order (none with validateOnly).', schema: z.array(objectResponse) } },
  async handle({ body, query }, ctx) {
    body.forEach((object, i) => {
      const schema = findSettingsSchema(SETTINGS_SCHEMAS, object.schemaId);
      if (schema && object.schemaVersion !== undefined && object.schemaVersion !== schema.version) {
        throw badRequest(`Invalid request body field '${i}.schemaVersion': schema ${schema.schemaId} is at version ${schema.version} here.`);
      }
    });
    const ids = await createObjects(ctx, ENVIRONMENT, body, { fieldPrefix: (i) => `${i}.`, validateOnly: query.validateOnly === true });
    return ok(ids.map((objectId) => ({ code: 200, objectId })));
  },
});

const idParams = z.object({ objectId: objectIdParams.id });
const schemaAttribute = async ({ params }: { params: { objectId: string } }, ctx: PlatformContext) => ({
  [SCHEMA_ID]: await objectSchemaId(ctx, ENVIRONMENT, params.objectId),
});
const adminOnly = queryParameters({ adminAccess: notSupported('adminAccess', NO_ADMIN).optional() }, { takes: [] });

export const getClassicSettingsObject = defineEndpoint({
  id: 'settings.classic.objects.get',
  service: 'settings',
  method: 'GET',
  path: `${BASE}/objects/{objectId}`,
  scopes: ['settings:objects:read'],
  summary: 'Get a settings object (Settings 2.0)',
  params: idParams,
  query: adminOnly,
  attributes: schemaAttribute,
  responses: { 200: { description: 'The object, with its updateToken.', schema: settingsObject } },
  async handle({ params }, ctx) {
    return ok(classicView(await getObject(ctx, ENVIRONMENT, params.objectId)));
  },
});

export const updateClassicSettingsObject = defineEndpoint({
  id: 'settings.classic.objects.update',
  service: 'settings',
  method: 'PUT',
  path: `${BASE}/objects/{objectId}`,
  scopes: ['settings:objects:write'],
  summary: 'Update a settings object (Settings 2.0)',
  description: 'With updateToken, only if the object has not changed since it was read (409 otherwise).',
  requestBody: 'JSON object with value, and optionally the updateToken it was read with',
  params: idParams,
  query: adminOnly,
  body: z.object({
    value: valueField,
    updateToken: versionToken.optional(),
    schemaVersion: z.string({ error: 'must be a string' }).max(50, 'must be at most 50 characters').optional(),
    insertAfter: notSupported('insertAfter', 'no schema here keeps its objects in an order').optional(),
    insertBefore: notSupported('insertBefore', 'no schema here keeps its objects in an order').optional(),
  }),
  exampleBody: { value: { name: 'Checkout', identifier: 'checkout' } },
  attributes: schemaAttribute,
  errors: [409],
  responses: { 200: { description: 'The result for the object.', schema: objectResponse } },
  async handle({ params, body }, ctx) {
    if (body.schemaVersion !== undefined) {
      const schema = findSettingsSchema(SETTINGS_SCHEMAS, await objectSchemaId(ctx, ENVIRONMENT, params.objectId));
      if (schema && body.schemaVersion !== schema.version) {
        throw badRequest(`Invalid request body field 'schemaVersion': schema ${schema.schemaId} is at version ${schema.version} here.`);
      }
    }
    const updated = await updateObject(ctx, ENVIRONMENT, params.objectId, body.value, body.updateToken);
    return ok({ code: 200, objectId: updated.objectId });
  },
});

export const deleteClassicSettingsObject = defineEndpoint({
  id: 'settings.classic.objects.delete',
  service: 'settings',
  method: 'DELETE',
  path: `${BASE}/objects/{objectId}`,
  scopes: ['settings:objects:write'],
  summary: 'Delete a settings object (Settings 2.0)',
  description: 'With updateToken, only if the object has not changed since it was read (409 otherwise).',
  params: idParams,
  query: queryParameters({ updateToken: versionToken.optional(), adminAccess: notSupported('adminAccess', NO_ADMIN).optional() }, { takes: ['updateToken'] }),
  attributes: schemaAttribute,
  errors: [409],
  responses: { 204: { description: 'The object is deleted.' } },
  async handle({ params, query }, ctx) {
    await deleteObject(ctx, ENVIRONMENT, params.objectId, query.updateToken);
    return noContent();
  },
});

const schemaStub = z.object({
  schemaId: z.string(),
  displayName: z.string(),
  latestSchemaVersion: z.string(),
  multiObject: z.boolean(),
  ordered: z.boolean(),
});

export const listClassicSettingsSchemas = defineEndpoint({
  id: 'settings.classic.schemas.list',
  service: 'settings',
  method: 'GET',
  path: `${BASE}/schemas`,
  scopes: ['settings:schemas:read'],
  summary: 'List settings schemas (Settings 2.0)',
  query: queryParameters({ fields: z.string().max(1000, 'must be at most 1000 characters').optional() }),
  responses: { 200: { description: 'Every built-in schema.', schema: z.object({ items: z.array(schemaStub), totalCount: z.int().min(0) }) } },
  async handle() {
    const items = SETTINGS_SCHEMAS.map((s) => ({ schemaId: s.schemaId, displayName: s.displayName, latestSchemaVersion: s.version, multiObject: s.multiObject, ordered: false }));
    return ok({ items, totalCount: items.length });
  },
});

const schemaDefinition = z
  .object({
    schemaId: z.string(),
    displayName: z.string(),
    description: z.string(),
    version: z.string(),
    dynatrace: z.string(),
    multiObject: z.boolean(),
    ordered: z.boolean(),
    maxObjects: z.int(),
    allowedScopes: z.array(z.string()),
    enums: z.record(z.string(), z.unknown()),
    types: z.record(z.string(), z.unknown()),
    properties: z.record(z.string(), z.unknown()).meta({ description: "The value's properties, as JSON Schema" }),
  })
  .meta({ id: 'SchemaDefinition' });

export const getClassicSettingsSchema = defineEndpoint({
  id: 'settings.classic.schemas.get',
  service: 'settings',
  method: 'GET',
  path: `${BASE}/schemas/{schemaId}`,
  scopes: ['settings:schemas:read'],
  summary: 'Get a settings schema (Settings 2.0)',
  params: z.object({ schemaId: schemaIdField }),
  query: queryParameters({ schemaVersion: z.string().max(50, 'must be at most 50 characters').optional() }),
  responses: { 200: { description: "The schema, its value's properties as JSON Schema.", schema: schemaDefinition } },
  async handle({ params, query }) {
    const schema = findSettingsSchema(SETTINGS_SCHEMAS, params.schemaId);
    if (!schema) throw notFound(`No settings schema '${params.schemaId}' here. ${ENVIRONMENT.schemasHint}`);
    if (query.schemaVersion !== undefined && query.schemaVersion !== schema.version) {
      throw notFound(`Schema ${schema.schemaId} is at version ${schema.version} here; no other version is kept.`);
    }
    const json = schemaView(schema).schema as { properties?: Record<string, unknown> };
    return ok({
      schemaId: schema.schemaId,
      displayName: schema.displayName,
      description: schema.description,
      version: schema.version,
      dynatrace: '1',
      multiObject: schema.multiObject,
      ordered: false,
      // No count limit but the single-object one.
      maxObjects: schema.multiObject ? 2_147_483_647 : 1,
      allowedScopes: [ENVIRONMENT_SCOPE],
      enums: {},
      types: {},
      properties: json.properties ?? {},
    });
  },
});

export const settingsSdkEndpoints = [
  listClassicSettingsObjects,
  createClassicSettingsObjects,
  getClassicSettingsObject,
  updateClassicSettingsObject,
  deleteClassicSettingsObject,
  listClassicSettingsSchemas,
  getClassicSettingsSchema,
];
