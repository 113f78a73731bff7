import { z } from 'zod';
import { created, defineEndpoint, ok } from '../endpoint';
import { pageQuery } from './pagination';
import {
  createObject,
  deletedSettingsObject,
  deleteObject,
  listObjects,
  objectIdParams,
  objectSchemaId,
  schemaIdField,
  settingsObjectList,
  settingsObjectSchema,
  updateObject,
  valueField,
  type SettingsScope,
} from './settings-objects';
import { SETTINGS_SCHEMAS, schemaView } from './settings-schemas';
import { queryParameters } from '../query-parameters';

// The settings service: the built-in schemas and the environment's objects of them. The schema ID
// is the `settings:schema-id` attribute, so policies can allow or deny per schema.

export const SCHEMA_ID = 'settings:schema-id';
export const READ = 'settings:objects:read';

export const ENVIRONMENT: SettingsScope = {
  appId: null,
  schemas: SETTINGS_SCHEMAS,
  schemasHint: 'GET /settings/v1/schemas lists the schemas.',
};

const idParams = z.object(objectIdParams);

const schemaList = z.object({
  items: z.array(
    z.object({
      schemaId: z.string(),
      displayName: z.string(),
      description: z.string(),
      version: z.string(),
      multiObject: z.boolean(),
      schema: z.record(z.string(), z.unknown()).meta({ description: "The value's JSON Schema" }),
    }),
  ),
  totalCount: z.int().min(0),
});

export const listSettingsSchemas = defineEndpoint({
  id: 'settings.schemas.list',
  service: 'settings',
  method: 'GET',
  path: '/settings/v1/schemas',
  scopes: ['settings:schemas:read'],
  summary: 'List settings schemas',
  responses: { 200: { description: 'Every built-in schema, with its JSON Schema.', schema: schemaList } },
  async handle() {
    return ok({ items: SETTINGS_SCHEMAS.map(schemaView), totalCount: SETTINGS_SCHEMAS.length });
  },
});

export const listSettingsObjects = defineEndpoint({
  id: 'settings.objects.list',
  service: 'settings',
  method: 'GET',
  path: '/settings/v1/objects',
  scopes: ['settings:objects:read'],
  summary: 'List settings objects',
  query: queryParameters({ ...pageQuery, schemaId: schemaIdField.optional() }),
  responses: { 200: { description: 'A page of the objects the owner may read.', schema: settingsObjectList } },
  async handle({ query }, ctx) {
    return ok(await listObjects(ctx, ENVIRONMENT, query, (schemaId) => ctx.permits(READ, { [SCHEMA_ID]: schemaId })));
  },
});

export const createSettingsObject = defineEndpoint({
  id: 'settings.objects.create',
  service: 'settings',
  method: 'POST',
  path: '/settings/v1/objects',
  scopes: ['settings:objects:write'],
  summary: 'Create a settings object',
  requestBody: 'JSON object with schemaId and value',
  body: z.object({ schemaId: schemaIdField, value: valueField }),
  exampleBody: { schemaId: 'builtin:ownership.teams', value: { name: 'Checkout', identifier: 'checkout', contactEmail: 'checkout@example.com' } },
  attributes: ({ body }) => ({ [SCHEMA_ID]: body.schemaId }),
  errors: [409],
  responses: { 201: { description: 'The new object.', schema: settingsObjectSchema } },
  async handle({ body }, ctx) {
    return created(await createObject(ctx, ENVIRONMENT, body.schemaId, body.value));
  },
});

const updateBody = z.object({
  value: valueField,
  version: z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').optional(),
});

export const updateSettingsObject = defineEndpoint({
  id: 'settings.objects.update',
  service: 'settings',
  method: 'PUT',
  path: '/settings/v1/objects/{id}',
  scopes: ['settings:objects:write'],
  summary: 'Update a settings object',
  requestBody: 'JSON object with value, and optionally the version it was read at',
  params: idParams,
  body: updateBody,
  exampleBody: { value: { name: 'Checkout', identifier: 'checkout' } },
  attributes: async ({ params }, ctx) => ({ [SCHEMA_ID]: await objectSchemaId(ctx, ENVIRONMENT, params.id) }),
  errors: [409],
  responses: { 200: { description: 'The object as it is now.', schema: settingsObjectSchema } },
  async handle({ params, body }, ctx) {
    return ok(await updateObject(ctx, ENVIRONMENT, params.id, body.value, body.version));
  },
});

export const deleteSettingsObject = defineEndpoint({
  id: 'settings.objects.delete',
  service: 'settings',
  method: 'DELETE',
  path: '/settings/v1/objects/{id}',
  scopes: ['settings:objects:write'],
  summary: 'Delete a settings object',
  params: idParams,
  attributes: async ({ params }, ctx) => ({ [SCHEMA_ID]: await objectSchemaId(ctx, ENVIRONMENT, params.id) }),
  responses: { 200: { description: 'The object is deleted.', schema: deletedSettingsObject } },
  async handle({ params }, ctx) {
    return ok(await deleteObject(ctx, ENVIRONMENT, params.id));
  },
});

export const settingsEndpoints = [listSettingsSchemas, listSettingsObjects, createSettingsObject, updateSettingsObject, deleteSettingsObject];
