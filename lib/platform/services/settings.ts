import { z } from 'zod';
import { created, defineEndpoint, ok } from '../endpoint';
import { pageQuery } from './pagination';
import {
  createObject,
  deleteObject,
  listObjects,
  objectIdParams,
  objectSchemaId,
  schemaIdField,
  updateObject,
  valueField,
  type SettingsScope,
} from './settings-objects';
import { SETTINGS_SCHEMAS, schemaView } from './settings-schemas';

// The settings service: the built-in schemas and the environment's objects of them. The schema ID
// is the `settings:schema-id` attribute, so policies can allow or deny per schema.

const SCHEMA_ID = 'settings:schema-id';
const READ = 'settings:objects:read';

const ENVIRONMENT: SettingsScope = {
  appId: null,
  schemas: SETTINGS_SCHEMAS,
  schemasHint: 'GET /settings/v1/schemas lists the schemas.',
};

const idParams = z.object(objectIdParams);

export const listSettingsSchemas = defineEndpoint({
  id: 'settings.schemas.list',
  async handle() {
    return ok({ items: SETTINGS_SCHEMAS.map(schemaView), totalCount: SETTINGS_SCHEMAS.length });
  },
});

export const listSettingsObjects = defineEndpoint({
  id: 'settings.objects.list',
  query: z.object({ ...pageQuery, schemaId: schemaIdField.optional() }),
  async handle({ query }, ctx) {
    return ok(await listObjects(ctx, ENVIRONMENT, query, (schemaId) => ctx.permits(READ, { [SCHEMA_ID]: schemaId })));
  },
});

export const createSettingsObject = defineEndpoint({
  id: 'settings.objects.create',
  body: z.object({ schemaId: schemaIdField, value: valueField }),
  exampleBody: { schemaId: 'builtin:ownership.teams', value: { name: 'Checkout', identifier: 'checkout', contactEmail: 'checkout@example.com' } },
  attributes: ({ body }) => ({ [SCHEMA_ID]: body.schemaId }),
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
  params: idParams,
  body: updateBody,
  exampleBody: { value: { name: 'Checkout', identifier: 'checkout' } },
  attributes: async ({ params }, ctx) => ({ [SCHEMA_ID]: await objectSchemaId(ctx, ENVIRONMENT, params.id) }),
  async handle({ params, body }, ctx) {
    return ok(await updateObject(ctx, ENVIRONMENT, params.id, body.value, body.version));
  },
});

export const deleteSettingsObject = defineEndpoint({
  id: 'settings.objects.delete',
  params: idParams,
  attributes: async ({ params }, ctx) => ({ [SCHEMA_ID]: await objectSchemaId(ctx, ENVIRONMENT, params.id) }),
  async handle({ params }, ctx) {
    return ok(await deleteObject(ctx, ENVIRONMENT, params.id));
  },
});

export const settingsEndpoints = [listSettingsSchemas, listSettingsObjects, createSettingsObject, updateSettingsObject, deleteSettingsObject];
