import { and, asc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '@/lib/db';
import { serviceUsers, settingsObjects, users } from '@/lib/db/schema';
import type { PlatformContext } from '../endpoint';
import { badRequest, notFound, PlatformError } from '../errors';
import { pageKey, readPageKey, type PageParams } from './pagination';
import { ownerColumns, ownerSchema, ownerView } from './principal';
import type { SettingsSchema } from './settings-schemas';
import { storableJson } from './storage-json';

// Settings objects of an environment (appId null) or of one app in it, shared by the settings and
// app-settings services. A value is checked against its schema; a schema that allows one object
// per environment (or app) is guarded by an advisory lock, so two creates cannot both succeed.

export interface SettingsScope {
  /** Null for environment settings, the app's ID for app settings. */
  appId: string | null;
  schemas: readonly SettingsSchema[];
  /** Where the schemas are listed, for the error that names an unknown one. */
  schemasHint: string;
}

export const objectIdParams = { id: z.uuid('must be a settings object ID (a UUID)') };
export const schemaIdField = z.string({ error: 'is required and must be a string' }).min(1, 'must not be empty').max(200, 'must be at most 200 characters');
export const valueField = storableJson(z.record(z.string(), z.unknown(), { error: 'is required and must be a JSON object' }));

const position = z.tuple([z.iso.datetime({ offset: true }), z.uuid()]);

const columns = {
  id: settingsObjects.id,
  appId: settingsObjects.appId,
  schemaId: settingsObjects.schemaId,
  value: settingsObjects.value,
  version: settingsObjects.version,
  ownerUserId: settingsObjects.ownerUserId,
  ownerServiceUserId: settingsObjects.ownerServiceUserId,
  ownerUserEmail: users.email,
  ownerServiceUserEmail: serviceUsers.email,
  createdAt: settingsObjects.createdAt,
  updatedAt: settingsObjects.updatedAt,
};

type ObjectRow = {
  id: string;
  appId: string | null;
  schemaId: string;
  value: Record<string, unknown>;
  version: number;
  ownerUserId: string | null;
  ownerServiceUserId: string | null;
  ownerUserEmail: string | null;
  ownerServiceUserEmail: string | null;
  createdAt: Date;
  updatedAt: Date;
};

export const settingsObjectSchema = z
  .object({
    objectId: z.uuid(),
    appId: z.string().optional().meta({ description: 'The app, for app settings objects' }),
    schemaId: z.string(),
    schemaVersion: z.string().nullable(),
    value: z.record(z.string(), z.unknown()),
    version: z.int().min(1),
    owner: ownerSchema,
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'SettingsObject' });
export const settingsObjectList = z.object({ items: z.array(settingsObjectSchema), nextPageKey: z.string().nullable() });
export const deletedSettingsObject = z.object({ objectId: z.uuid(), deleted: z.boolean() });

function objectView(row: ObjectRow, schemas: readonly SettingsSchema[]) {
  return {
    objectId: row.id,
    ...(row.appId === null ? {} : { appId: row.appId }),
    schemaId: row.schemaId,
    schemaVersion: schemas.find((s) => s.schemaId === row.schemaId)?.version ?? null,
    value: row.value,
    version: row.version,
    owner: ownerView(row),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function scopeWhere(ctx: PlatformContext, scope: SettingsScope): SQL {
  return and(
    eq(settingsObjects.environmentId, ctx.environmentId),
    scope.appId === null ? isNull(settingsObjects.appId) : eq(settingsObjects.appId, scope.appId),
  )!;
}

function select(db: Executor) {
  return db
    .select(columns)
    .from(settingsObjects)
    .leftJoin(users, eq(users.id, settingsObjects.ownerUserId))
    .leftJoin(serviceUsers, eq(serviceUsers.id, settingsObjects.ownerServiceUserId));
}

async function findObject(db: Executor, ctx: PlatformContext, scope: SettingsScope, id: string): Promise<ObjectRow> {
  const [row] = await select(db).where(and(scopeWhere(ctx, scope), eq(settingsObjects.id, id))).limit(1);
  if (!row) throw notFound(`No settings object with ID '${id}' here.`);
  return row;
}

/** The schema ID of an object, for the policy attribute of update and delete. */
export async function objectSchemaId(ctx: PlatformContext, scope: SettingsScope, id: string): Promise<string> {
  return (await findObject(ctx.db, ctx, scope, id)).schemaId;
}

/** The schema named in a request body; a 400 naming `schemaId` when there is none of that ID. */
export function requireSchema(scope: SettingsScope, schemaId: string): SettingsSchema {
  const schema = scope.schemas.find((s) => s.schemaId === schemaId);
  if (!schema) throw badRequest(`Invalid request body field 'schemaId': there is no schema '${schemaId.slice(0, 200)}'. ${scope.schemasHint}`);
  return schema;
}

/** The value checked against its schema, defaults applied; a 400 naming the field inside `value`. */
export function checkValue(schema: SettingsSchema, value: unknown): Record<string, unknown> {
  const parsed = schema.value.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = ['value', ...(issue?.path ?? []).map(String)].join('.');
  throw badRequest(`Invalid request body field '${field}': ${issue?.message ?? 'invalid value'} (schema ${schema.schemaId}).`);
}

export async function listObjects(
  ctx: PlatformContext,
  scope: SettingsScope,
  query: PageParams & { schemaId?: string | undefined },
  visible: (schemaId: string) => boolean,
) {
  let after = readPageKey(query, position);
  const items: ReturnType<typeof objectView>[] = [];
  let exhausted = false;
  // Objects the owner may not read are skipped; a few batches at most per request.
  for (let batch = 0; batch < 5 && items.length < query.limit && !exhausted; batch++) {
    const conditions = [scopeWhere(ctx, scope)];
    if (query.schemaId) conditions.push(eq(settingsObjects.schemaId, query.schemaId));
    if (after) conditions.push(sql`(${settingsObjects.createdAt}, ${settingsObjects.id}) > (${after[0]}::timestamptz, ${after[1]}::uuid)`);
    const rows = await select(ctx.db)
      .where(and(...conditions))
      .orderBy(asc(settingsObjects.createdAt), asc(settingsObjects.id))
      .limit(query.limit + 1);
    let i = 0;
    for (; i < rows.length && i < query.limit && items.length < query.limit; i++) {
      const row = rows[i]!;
      after = [row.createdAt.toISOString(), row.id];
      if (visible(row.schemaId)) items.push(objectView(row, scope.schemas));
    }
    exhausted = i >= rows.length;
  }
  return { items, nextPageKey: exhausted || !after ? null : pageKey(after) };
}

export async function createObject(ctx: PlatformContext, scope: SettingsScope, schemaId: string, rawValue: unknown) {
  const schema = requireSchema(scope, schemaId);
  const value = checkValue(schema, rawValue);
  const id = await ctx.db.transaction(async (tx) => {
    if (!schema.multiObject) {
      const key = `settings:${ctx.environmentId}:${scope.appId ?? ''}:${schema.schemaId}`;
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
      const [existing] = await tx
        .select({ id: settingsObjects.id })
        .from(settingsObjects)
        .where(and(scopeWhere(ctx, scope), eq(settingsObjects.schemaId, schema.schemaId)))
        .limit(1);
      if (existing) {
        throw new PlatformError(
          409,
          `Schema ${schema.schemaId} allows one object here and it exists already (${existing.id}); update that one instead.`,
        );
      }
    }
    const [row] = await tx
      .insert(settingsObjects)
      .values({
        environmentId: ctx.environmentId,
        appId: scope.appId,
        schemaId: schema.schemaId,
        value,
        ...ownerColumns(ctx.owner),
        createdAt: ctx.now,
        updatedAt: ctx.now,
      })
      .returning({ id: settingsObjects.id });
    return row!.id;
  });
  return objectView(await findObject(ctx.db, ctx, scope, id), scope.schemas);
}

export async function updateObject(ctx: PlatformContext, scope: SettingsScope, id: string, rawValue: unknown, expectedVersion: number | undefined) {
  await ctx.db.transaction(async (tx) => {
    const [current] = await tx
      .select({ schemaId: settingsObjects.schemaId, version: settingsObjects.version })
      .from(settingsObjects)
      .where(and(scopeWhere(ctx, scope), eq(settingsObjects.id, id)))
      .for('update');
    if (!current) throw notFound(`No settings object with ID '${id}' here.`);
    if (expectedVersion !== undefined && expectedVersion !== current.version) {
      throw new PlatformError(409, `The object changed meanwhile: it is at version ${current.version}, not ${expectedVersion}. Read it again and retry.`);
    }
    const value = checkValue(requireSchema(scope, current.schemaId), rawValue);
    await tx
      .update(settingsObjects)
      .set({ value, version: current.version + 1, updatedAt: ctx.now })
      .where(eq(settingsObjects.id, id));
  });
  return objectView(await findObject(ctx.db, ctx, scope, id), scope.schemas);
}

export async function deleteObject(ctx: PlatformContext, scope: SettingsScope, id: string) {
  const deleted = await ctx.db
    .delete(settingsObjects)
    .where(and(scopeWhere(ctx, scope), eq(settingsObjects.id, id)))
    .returning({ id: settingsObjects.id });
  if (deleted.length === 0) throw notFound(`No settings object with ID '${id}' here.`);
  return { objectId: id, deleted: true };
}
