import { z } from 'zod';
import { created, defineEndpoint, noContent, ok, type PlatformContext } from '../endpoint';
import { badRequest, PlatformError } from '../errors';
import { appIdParam } from './app-engine';
import { appAttributes, appScope } from './app-settings';
import { pageKey, readPageKeyParameter } from './pagination';
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
  pageSizeParam,
  pickFields,
  schemaIdField,
  updateObject,
  valueField,
  versionToken,
  type SettingsObjectView,
  type SettingsScope,
} from './settings-objects';
import { APP_HEADER } from './state-sdk';
import { queryParameters } from '../query-parameters';

// App settings as the original platform's API has them (and its SDK,
// @dynatrace-sdk/client-app-settings, calls them): /app-settings/v1/objects, the app taken from
// the calling app. As for state, a script names the app with the `App-Id` header, and without
// one the app is `scripts` (README, "Platform API"); the app must be installed, and its schemas
// are those of the app registry. The objects are those of /app-settings/v1/apps/{appId}/objects.
// The optimistic-locking version is the object's version.

const BASE = '/app-settings/v1';

const modificationInfo = z.object({
  createdBy: z.string().optional().meta({ description: 'The ID of the user or service user that created it' }),
  createdTime: z.iso.datetime(),
  lastModifiedTime: z.iso.datetime(),
});

const appSettingsObject = z
  .object({
    objectId: z.uuid().optional(),
    version: z.string().optional().meta({ description: 'Send it back as optimistic-locking-version on update or delete' }),
    schemaId: z.string().optional(),
    schemaVersion: z.string().optional(),
    modificationInfo: modificationInfo.optional(),
    value: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'AppSettingsObject' });

function sdkView(object: SettingsObjectView) {
  return {
    objectId: object.objectId,
    version: String(object.version),
    schemaId: object.schemaId,
    ...(object.schemaVersion === null ? {} : { schemaVersion: object.schemaVersion }),
    modificationInfo: {
      ...(object.owner ? { createdBy: object.owner.id } : {}),
      createdTime: object.createdAt,
      lastModifiedTime: object.updatedAt,
    },
    value: object.value,
  };
}

const OBJECT_FIELDS = ['objectId', 'version', 'schemaId', 'schemaVersion', 'modificationInfo', 'value'] as const;
const EFFECTIVE_FIELDS = ['schemaId', 'schemaVersion', 'modificationInfo', 'value'] as const;
const NOT_KEPT_FIELDS = ['summary', 'searchSummary', 'resourceContext'];

/** The app of the call: the App-Id header, else `scripts`; a 404 when it is not installed, saying how to name another. */
async function callingApp(ctx: PlatformContext, appId: string): Promise<SettingsScope> {
  try {
    return await appScope(ctx, appId);
  } catch (error) {
    if (error instanceof PlatformError && error.status === 404) {
      throw new PlatformError(404, `${error.message} The app of a call is named with the App-Id header (without one it is 'scripts').`);
    }
    throw error;
  }
}

const appParams = z.object({ appId: appIdParam });
const objectParams = z.object({ appId: appIdParam, objectId: objectIdParams.id });
const base = { service: 'app-settings', headerParams: APP_HEADER } as const;
const notSupported = (name: string, why: string) => z.never({ error: `${name} is not supported here: ${why}` });
const NO_ADMIN = 'this portal has no app-settings:objects:admin permission';
const NO_ORDER = 'no app settings schema here keeps its objects in an order';

/** The query of a list's first page; `page-key` alone stands for the rest. */
function listQuery<F extends string>(served: readonly F[]) {
  return queryParameters(
    {
      'schema-ids': commaSeparated('schema ID').optional(),
      'add-fields': fieldList(served, NOT_KEPT_FIELDS).optional(),
      'page-key': z.string().max(4000, 'is not a page key of this list').optional(),
      'page-size': pageSizeParam.optional(),
      'admin-access': notSupported('admin-access', NO_ADMIN).optional(),
    },
    { takes: ['schema-ids', 'add-fields', 'page-key', 'page-size'] },
  );
}

function listKey<F extends string>(served: readonly [F, ...F[]]) {
  return z.object({
    appId: z.string(),
    schemaIds: z.array(z.string()),
    fields: z.array(z.enum(served)),
    pageSize: z.int().min(1).max(500),
    after: objectPosition.nullable(),
  });
}

/** The first page's query or the one its key carries, with the schemas it names checked against the app's. */
function readListQuery<F extends string>(
  query: { 'schema-ids'?: string[] | undefined; 'add-fields'?: F[] | undefined; 'page-key'?: string | undefined; 'page-size'?: number | undefined },
  scope: SettingsScope,
  keySchema: z.ZodType<{ appId: string; schemaIds: string[]; fields: F[]; pageSize: number; after: z.infer<typeof objectPosition> | null }>,
  defaults: readonly F[],
) {
  if (query['page-key'] !== undefined) {
    const extra = (['schema-ids', 'add-fields', 'page-size'] as const).find((name) => query[name] !== undefined);
    if (extra) throw badRequest(`Invalid query parameter '${extra}': leave it out with page-key, which carries the query of the first page.`);
    const key = readPageKeyParameter(query['page-key'], 'page-key', keySchema);
    if (key && key.appId === scope.appId) return key;
    if (key) throw badRequest(`Invalid query parameter 'page-key': it is a page of the app '${key.appId}', not of '${scope.appId}'.`);
  }
  const schemaIds = query['schema-ids'] ?? scope.schemas.map((s) => s.schemaId);
  for (const schemaId of schemaIds) {
    if (!scope.schemas.some((s) => s.schemaId === schemaId)) {
      throw badRequest(`Invalid query parameter 'schema-ids': there is no schema '${schemaId}'. ${scope.schemasHint}`);
    }
  }
  return { appId: scope.appId!, schemaIds, fields: [...defaults, ...(query['add-fields'] ?? [])], pageSize: query['page-size'] ?? 100, after: null };
}

const objectsKey = listKey(OBJECT_FIELDS);

export const listAppSettingsObjectsSdk = defineEndpoint({
  ...base,
  id: 'app-settings.sdk.objects.list',
  method: 'GET',
  path: `${BASE}/objects`,
  scopes: ['app-settings:objects:read'],
  summary: "List an app's settings objects (app from the App-Id header)",
  description: 'add-fields extends the default objectId,version; page-key alone for the next page.',
  params: appParams,
  attributes: appAttributes,
  query: listQuery(OBJECT_FIELDS),
  responses: {
    200: {
      description: "A page of the app's objects.",
      schema: z.object({ items: z.array(appSettingsObject), totalCount: z.int().min(0), pageSize: z.int().min(1), nextPageKey: z.string().optional() }),
    },
  },
  async handle({ params, query }, ctx) {
    const scope = await callingApp(ctx, params.appId);
    const q = readListQuery(query, scope, objectsKey, ['objectId', 'version']);
    const page = await listObjectPage(ctx, scope, { limit: q.pageSize, schemaIds: q.schemaIds, after: q.after }, () => true);
    return ok({
      items: page.items.map((object) => pickFields(sdkView(object), [...new Set(q.fields)])),
      totalCount: await countObjects(ctx, scope, q.schemaIds),
      pageSize: q.pageSize,
      ...(page.after ? { nextPageKey: pageKey({ appId: q.appId, schemaIds: q.schemaIds, fields: q.fields, pageSize: q.pageSize, after: page.after }) } : {}),
    });
  },
});

const validateOnly = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true');

export const createAppSettingsObjectSdk = defineEndpoint({
  ...base,
  id: 'app-settings.sdk.objects.create',
  method: 'POST',
  path: `${BASE}/objects`,
  scopes: ['app-settings:objects:write'],
  summary: 'Create an app settings object (app from the App-Id header)',
  requestBody: 'JSON object with schemaId and value',
  params: appParams,
  attributes: appAttributes,
  query: queryParameters({ 'validate-only': validateOnly.optional() }),
  body: z.object({ schemaId: schemaIdField, value: valueField, insertAfter: notSupported('insertAfter', NO_ORDER).optional() }),
  exampleBody: { schemaId: 'greeting', value: { salutation: 'Good morning', punctuation: '.' } },
  errors: [409],
  responses: {
    200: { description: 'validate-only: the object would be stored.' },
    201: { description: 'The new object.', schema: z.object({ objectId: z.uuid(), version: z.string() }) },
  },
  async handle({ params, body, query }, ctx) {
    const scope = await callingApp(ctx, params.appId);
    const validate = query['validate-only'] === true;
    const [objectId] = await createObjects(ctx, scope, [body], { validateOnly: validate });
    if (validate || !objectId) return { status: 200, body: undefined };
    return created({ objectId, version: '1' });
  },
});

export const getAppSettingsObjectSdk = defineEndpoint({
  ...base,
  id: 'app-settings.sdk.objects.get',
  method: 'GET',
  path: `${BASE}/objects/{objectId}`,
  scopes: ['app-settings:objects:read'],
  summary: 'Get an app settings object (app from the App-Id header)',
  params: objectParams,
  attributes: appAttributes,
  responses: { 200: { description: 'The object, with its version.', schema: appSettingsObject } },
  async handle({ params }, ctx) {
    return ok(sdkView(await getObject(ctx, await callingApp(ctx, params.appId), params.objectId)));
  },
});

const lockingQuery = queryParameters({ 'optimistic-locking-version': versionToken });

export const updateAppSettingsObjectSdk = defineEndpoint({
  ...base,
  id: 'app-settings.sdk.objects.update',
  method: 'PUT',
  path: `${BASE}/objects/{objectId}`,
  scopes: ['app-settings:objects:write'],
  summary: 'Update an app settings object (app from the App-Id header)',
  description: 'Only at the optimistic-locking-version it was read at (409 otherwise).',
  requestBody: 'JSON object with value',
  params: objectParams,
  attributes: appAttributes,
  query: lockingQuery,
  body: z.object({
    value: valueField,
    insertAfter: notSupported('insertAfter', NO_ORDER).optional(),
    insertBefore: notSupported('insertBefore', NO_ORDER).optional(),
  }),
  exampleBody: { value: { salutation: 'Hi', punctuation: '!' } },
  errors: [409],
  responses: { 200: { description: 'The object is updated; its version is one more.' } },
  async handle({ params, query, body }, ctx) {
    await updateObject(ctx, await callingApp(ctx, params.appId), params.objectId, body.value, query['optimistic-locking-version']);
    return { status: 200, body: undefined };
  },
});

export const deleteAppSettingsObjectSdk = defineEndpoint({
  ...base,
  id: 'app-settings.sdk.objects.delete',
  method: 'DELETE',
  path: `${BASE}/objects/{objectId}`,
  scopes: ['app-settings:objects:write'],
  summary: 'Delete an app settings object (app from the App-Id header)',
  description: 'Only at the optimistic-locking-version it was read at (409 otherwise).',
  params: objectParams,
  attributes: appAttributes,
  query: lockingQuery,
  errors: [409],
  responses: { 204: { description: 'The object is deleted.' } },
  async handle({ params, query }, ctx) {
    await deleteObject(ctx, await callingApp(ctx, params.appId), params.objectId, query['optimistic-locking-version']);
    return noContent();
  },
});

const effectiveKey = listKey(EFFECTIVE_FIELDS);

export const listEffectiveAppSettingsValues = defineEndpoint({
  ...base,
  id: 'app-settings.sdk.effective-values.list',
  method: 'GET',
  path: `${BASE}/effective-values`,
  scopes: ['app-settings:objects:read'],
  summary: "List an app's effective settings values (app from the App-Id header)",
  description:
    "The stored values; for a one-object schema without an object, its defaults when the schema has a default for every property. add-fields extends the default value.",
  params: appParams,
  attributes: appAttributes,
  query: listQuery(EFFECTIVE_FIELDS),
  responses: {
    200: {
      description: 'A page of effective values.',
      schema: z.object({
        items: z.array(appSettingsObject.pick({ schemaId: true, schemaVersion: true, modificationInfo: true, value: true })),
        totalCount: z.int().min(0),
        pageSize: z.int().min(1),
        nextPageKey: z.string().optional(),
      }),
    },
  },
  async handle({ params, query }, ctx) {
    const scope = await callingApp(ctx, params.appId);
    const q = readListQuery(query, scope, effectiveKey, ['value']);
    const fields = [...new Set(q.fields)];
    const page = await listObjectPage(ctx, scope, { limit: q.pageSize, schemaIds: q.schemaIds, after: q.after }, () => true);
    const items = page.items.map((object) => pickFields(sdkView(object), fields));
    // The schema defaults of one-object schemas without an object come after the stored values.
    const defaults: (typeof items)[number][] = [];
    for (const schema of scope.schemas) {
      if (schema.multiObject || !q.schemaIds.includes(schema.schemaId) || (await countObjects(ctx, scope, [schema.schemaId])) > 0) continue;
      const value = schema.value.safeParse({});
      if (!value.success) continue;
      const effective: Partial<ReturnType<typeof sdkView>> = { schemaId: schema.schemaId, schemaVersion: schema.version, value: value.data };
      defaults.push(pickFields(effective, fields));
    }
    const totalCount = (await countObjects(ctx, scope, q.schemaIds)) + defaults.length;
    return ok({
      items: page.after ? items : [...items, ...defaults],
      totalCount,
      pageSize: q.pageSize,
      ...(page.after ? { nextPageKey: pageKey({ appId: q.appId, schemaIds: q.schemaIds, fields: q.fields, pageSize: q.pageSize, after: page.after }) } : {}),
    });
  },
});

export const appSettingsSdkEndpoints = [
  listAppSettingsObjectsSdk,
  createAppSettingsObjectSdk,
  getAppSettingsObjectSdk,
  updateAppSettingsObjectSdk,
  deleteAppSettingsObjectSdk,
  listEffectiveAppSettingsValues,
];
