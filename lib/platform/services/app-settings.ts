import { z } from 'zod';
import { created, defineEndpoint, ok, type PlatformContext } from '../endpoint';
import { APP_SETTINGS_APP_ID, appIdParam, requireInstalledApp } from './app-engine';
import { pageQuery } from './pagination';
import {
  createObject,
  deletedSettingsObject,
  deleteObject,
  listObjects,
  objectIdParams,
  schemaIdField,
  settingsObjectList,
  settingsObjectSchema,
  updateObject,
  valueField,
  type SettingsScope,
} from './settings-objects';
import { queryParameters } from '../query-parameters';

// The app-settings service: settings objects of one installed app, checked against the schemas
// the app declares in the registry. The app ID is the `app-settings:app-id` attribute.

export async function appScope(ctx: PlatformContext, appId: string): Promise<SettingsScope> {
  const app = await requireInstalledApp(ctx, appId);
  return {
    appId: app.id,
    schemas: app.settingsSchemas,
    schemasHint:
      app.settingsSchemas.length === 0
        ? `The app '${app.id}' has no settings schemas.`
        : `The schemas of '${app.id}': ${app.settingsSchemas.map((s) => s.schemaId).join(', ')}.`,
  };
}

const appParams = z.object({ appId: appIdParam });
const objectParams = z.object({ appId: appIdParam, ...objectIdParams });
export const appAttributes = <P extends { appId: string }>({ params }: { params: P }) => ({ [APP_SETTINGS_APP_ID]: params.appId });

export const listAppSettingsObjects = defineEndpoint({
  id: 'app-settings.objects.list',
  service: 'app-settings',
  method: 'GET',
  path: '/app-settings/v1/apps/{appId}/objects',
  scopes: ['app-settings:objects:read'],
  summary: "List an app's settings objects",
  params: appParams,
  query: queryParameters({ ...pageQuery, schemaId: schemaIdField.optional() }),
  attributes: appAttributes,
  responses: { 200: { description: "A page of the app's objects.", schema: settingsObjectList } },
  async handle({ params, query }, ctx) {
    return ok(await listObjects(ctx, await appScope(ctx, params.appId), query, () => true));
  },
});

export const createAppSettingsObject = defineEndpoint({
  id: 'app-settings.objects.create',
  service: 'app-settings',
  method: 'POST',
  path: '/app-settings/v1/apps/{appId}/objects',
  scopes: ['app-settings:objects:write'],
  summary: 'Create an app settings object',
  requestBody: 'JSON object with schemaId and value',
  params: appParams,
  body: z.object({ schemaId: schemaIdField, value: valueField }),
  exampleBody: { schemaId: 'greeting', value: { salutation: 'Good morning', punctuation: '.' } },
  attributes: appAttributes,
  errors: [409],
  responses: { 201: { description: 'The new object.', schema: settingsObjectSchema } },
  async handle({ params, body }, ctx) {
    return created(await createObject(ctx, await appScope(ctx, params.appId), body.schemaId, body.value));
  },
});

export const updateAppSettingsObject = defineEndpoint({
  id: 'app-settings.objects.update',
  service: 'app-settings',
  method: 'PUT',
  path: '/app-settings/v1/apps/{appId}/objects/{id}',
  scopes: ['app-settings:objects:write'],
  summary: 'Update an app settings object',
  requestBody: 'JSON object with value, and optionally the version it was read at',
  params: objectParams,
  body: z.object({
    value: valueField,
    version: z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').optional(),
  }),
  exampleBody: { value: { salutation: 'Hi', punctuation: '!' } },
  attributes: appAttributes,
  errors: [409],
  responses: { 200: { description: 'The object as it is now.', schema: settingsObjectSchema } },
  async handle({ params, body }, ctx) {
    return ok(await updateObject(ctx, await appScope(ctx, params.appId), params.id, body.value, body.version));
  },
});

export const deleteAppSettingsObject = defineEndpoint({
  id: 'app-settings.objects.delete',
  service: 'app-settings',
  method: 'DELETE',
  path: '/app-settings/v1/apps/{appId}/objects/{id}',
  scopes: ['app-settings:objects:write'],
  summary: 'Delete an app settings object',
  params: objectParams,
  attributes: appAttributes,
  responses: { 200: { description: 'The object is deleted.', schema: deletedSettingsObject } },
  async handle({ params }, ctx) {
    return ok(await deleteObject(ctx, await appScope(ctx, params.appId), params.id));
  },
});

export const appSettingsEndpoints = [listAppSettingsObjects, createAppSettingsObject, updateAppSettingsObject, deleteAppSettingsObject];
