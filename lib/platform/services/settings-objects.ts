import { and, asc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '@/lib/db';
import { serviceUsers, settingsObjects, users } from '@/lib/db/schema';
import type { PlatformContext } from '../endpoint';
import { badRequest, notFound, PlatformError } from '../errors';
import { pageKey, readPageKey, type PageParams, timeIdPosition } from './pagination';
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
/** The version a read handed out, as the original's clients send it back (`optimistic-locking-version`, `updateToken`). */
export const versionToken = z
  .string()
  .regex(/^[1-9][0-9]{0,8}$/, 'is not a version of a settings object: take it from a read of the object')
  .transform(Number);
export const schemaIdField = z.string({ error: 'is required and must be a string' }).min(1, 'must not be empty').max(200, 'must be at most 200 characters');
export const valueField = storableJson(z.record(z.string(), z.unknown(), { error: 'is required and must be a JSON object' }));

const position = timeIdPosition;

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

export type SettingsObjectView = ReturnType<typeof objectView>;

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

export async function getObject(ctx: PlatformContext, scope: SettingsScope, id: string): Promise<SettingsObjectView> {
  return objectView(await findObject(ctx.db, ctx, scope, id), scope.schemas);
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

export type ObjectPosition = z.infer<typeof position>;
export const objectPosition = position;

/**
 * One page of objects after `after`, in a stable order, of the schemas given (all when none);
 * objects the owner may not read are skipped. `after` is where the next page starts, null on the last.
 */
export async function listObjectPage(
  ctx: PlatformContext,
  scope: SettingsScope,
  page: { limit: number; schemaIds?: readonly string[] | undefined; after: ObjectPosition | null },
  visible: (schemaId: string) => boolean,
): Promise<{ items: SettingsObjectView[]; after: ObjectPosition | null }> {
  let after = page.after;
  const items: SettingsObjectView[] = [];
  let exhausted = false;
  // A few batches at most per request, however many objects are skipped.
  for (let batch = 0; batch < 5 && items.length < page.limit && !exhausted; batch++) {
    const conditions = [scopeWhere(ctx, scope)];
    if (page.schemaIds) conditions.push(inArray(settingsObjects.schemaId, [...page.schemaIds]));
    if (after) conditions.push(sql`(${settingsObjects.createdAt}, ${settingsObjects.id}) > (${after[0]}::timestamptz, ${after[1]}::uuid)`);
    const rows = await select(ctx.db)
      .where(and(...conditions))
      .orderBy(asc(settingsObjects.createdAt), asc(settingsObjects.id))
      .limit(page.limit + 1);
    let i = 0;
    for (; i < rows.length && i < page.limit && items.length < page.limit; i++) {
      const row = rows[i]!;
      after = [row.createdAt.toISOString(), row.id];
      if (visible(row.schemaId)) items.push(objectView(row, scope.schemas));
    }
    exhausted = i >= rows.length;
  }
  return { items, after: exhausted ? null : after };
}

/** How many objects of these schemas there are here. */
export async function countObjects(ctx: PlatformContext, scope: SettingsScope, schemaIds: readonly string[]): Promise<number> {
  if (schemaIds.length === 0) return 0;
  return ctx.db.$count(settingsObjects, and(scopeWhere(ctx, scope), inArray(settingsObjects.schemaId, [...schemaIds])));
}

export async function listObjects(
  ctx: PlatformContext,
  scope: SettingsScope,
  query: PageParams & { schemaId?: string | undefined },
  visible: (schemaId: string) => boolean,
) {
  const page = await listObjectPage(
    ctx,
    scope,
    { limit: query.limit, schemaIds: query.schemaId ? [query.schemaId] : undefined, after: readPageKey(query, position) },
    visible,
  );
  return { items: page.items, nextPageKey: page.after ? pageKey(page.after) : null };
}

export interface NewObject {
  schemaId: string;
  value: unknown;
}

/** Checks each new object against its schema; a 400 naming the field, under `prefix` (e.g. `0.` for the first of a list). */
function checkNewObjects(scope: SettingsScope, objects: readonly NewObject[], prefix: (i: number) => string) {
  return objects.map((object, i) => {
    try {
      const schema = requireSchema(scope, object.schemaId);
      return { schema, value: checkValue(schema, object.value) };
    } catch (error) {
      if (error instanceof PlatformError && prefix(i)) throw badRequest(error.message.replace(/^Invalid request body field '/, `Invalid request body field '${prefix(i)}`));
      throw error;
    }
  });
}

/**
 * Creates the objects, all or none, and returns their IDs in order. A schema that allows one
 * object here is guarded by an advisory lock, so two creates cannot both succeed.
 */
export async function createObjects(
  ctx: PlatformContext,
  scope: SettingsScope,
  objects: readonly NewObject[],
  options: { fieldPrefix?: (i: number) => string; validateOnly?: boolean } = {},
): Promise<string[]> {
  const checked = checkNewObjects(scope, objects, options.fieldPrefix ?? (() => ''));
  if (options.validateOnly) return [];
  return ctx.db.transaction(async (tx) => {
    const ids: string[] = [];
    for (const { schema, value } of checked) {
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
      ids.push(row!.id);
    }
    return ids;
  });
}

export async function createObject(ctx: PlatformContext, scope: SettingsScope, schemaId: string, rawValue: unknown) {
  const [id] = await createObjects(ctx, scope, [{ schemaId, value: rawValue }]);
  return objectView(await findObject(ctx.db, ctx, scope, id!), scope.schemas);
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
      throw new PlatformError(409, changedMeanwhile(current.version, expectedVersion));
    }
    const value = checkValue(requireSchema(scope, current.schemaId), rawValue);
    await tx
      .update(settingsObjects)
      .set({ value, version: current.version + 1, updatedAt: ctx.now })
      .where(eq(settingsObjects.id, id));
  });
  return objectView(await findObject(ctx.db, ctx, scope, id), scope.schemas);
}

export async function deleteObject(ctx: PlatformContext, scope: SettingsScope, id: string, expectedVersion?: number) {
  const conditions = [scopeWhere(ctx, scope), eq(settingsObjects.id, id)];
  if (expectedVersion !== undefined) conditions.push(eq(settingsObjects.version, expectedVersion));
  const deleted = await ctx.db
    .delete(settingsObjects)
    .where(and(...conditions))
    .returning({ id: settingsObjects.id });
  if (deleted.length === 0) {
    const current = await findObject(ctx.db, ctx, scope, id);
    throw new PlatformError(409, changedMeanwhile(current.version, expectedVersion!));
  }
  return { objectId: id, deleted: true };
}

function changedMeanwhile(current: number, expected: number): string {
  return `The object changed meanwhile: it is at version ${current}, not ${expected}. Read it again and retry.`;
}

// Parameters of the lists as the original's clients send them.

/** A comma-separated list of IDs (`schemaIds`, `schema-ids`, `scopes`). */
export function commaSeparated(what: string) {
  return z
    .string()
    .max(4000, 'must be at most 4000 characters')
    .transform((text) => [...new Set(text.split(',').map((part) => part.trim()).filter((part) => part !== ''))])
    .pipe(z.array(z.string().max(200, `must be ${what} of at most 200 characters each`)).min(1, `must name at least one ${what}`).max(100, `can name at most 100`));
}

/**
 * The `fields` / `add-fields` of a list: names of the fields the answer has. One of the
 * original's fields that is not kept here is refused by name, rather than left out unsaid.
 */
export function fieldList<const F extends string>(served: readonly F[], notKept: readonly string[]) {
  return commaSeparated('field').transform((names, ctx): F[] => {
    for (const name of names) {
      if (served.includes(name as F)) continue;
      ctx.addIssue({
        code: 'custom',
        message: notKept.includes(name)
          ? `'${name}' is not kept by this portal; it serves ${served.join(', ')}`
          : `has no field '${name.slice(0, 50)}'; it serves ${served.join(', ')}`,
      });
      return z.NEVER;
    }
    return names as F[];
  });
}

/** The page size of the original's lists: 1–500, default 100. */
export const pageSizeParam = z.coerce
  .number({ error: 'must be a whole number from 1 to 500' })
  .int('must be a whole number from 1 to 500')
  .min(1, 'must be a whole number from 1 to 500')
  .max(500, 'must be a whole number from 1 to 500');

/** Only the listed fields of an object, in the order given. */
export function pickFields<T extends Record<string, unknown>>(object: T, fields: readonly (keyof T)[]): Partial<T> {
  const out: Partial<T> = {};
  for (const field of fields) if (object[field] !== undefined) out[field] = object[field];
  return out;
}
