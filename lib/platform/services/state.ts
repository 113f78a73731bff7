import { and, eq, isNotNull, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { appStates, userAppStates } from '@/lib/db/schema';
import type { Principal } from '@/lib/iam/effective-permissions';
import { defineEndpoint, ok, type PlatformContext } from '../endpoint';
import { notFound } from '../errors';
import { andThen, type MaybePromise } from '../maybe-promise';
import type { Change } from '@/lib/changes';
import type { ReadCache } from '../read-cache';
import { batchedReads } from './batched-reads';
import { preparedPerDatabase } from './prepared';
import { ownerColumns } from './principal';
import { storableJson } from './storage-json';

// The state service: key-value state of an app, shared by everyone in the environment
// (app-states) or kept per identity (user-app-states, keyed by the token's owner, so every token
// of the same owner sees the same values). `state:app-id` is the attribute policies can use.

export const APP_ID = 'state:app-id';

export const appIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/, 'must be 1-200 letters, digits, ".", "_" or "-", starting with a letter or digit');
const keySchema = z
  .string()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine((k) => !/[\u0000-\u001f\u007f]/.test(k), 'must not contain control characters');

export const stateParams = z.object({ appId: appIdSchema, key: keySchema });
const params = stateParams;
const putBody = z.object({
  value: storableJson(
    z.json({ error: 'is required: a JSON value or a string' }).refine((v) => v !== null, 'must not be null: a JSON value or a string'),
  ),
});
export const MAX_STATE_BYTES = 1024 * 1024;

const stateValue = z.object({ appId: z.string(), key: z.string(), value: z.unknown(), updatedAt: z.iso.datetime() }).meta({ id: 'AppState' });
const deletedState = z.object({ appId: z.string(), key: z.string(), deleted: z.boolean() });

type StateParams = z.infer<typeof params>;
type Params = StateParams;

export const appAttributes = ({ params: p }: { params: Params }) => ({ [APP_ID]: p.appId });

function stateView(p: Params, value: unknown, updatedAt: Date) {
  return { appId: p.appId, key: p.key, value, updatedAt: updatedAt.toISOString() };
}

function missing(kind: string, p: Params): never {
  throw notFound(`No ${kind} '${p.key}' for app '${p.appId}' in this environment.`);
}

const selectAppState = preparedPerDatabase((db) =>
  db
    .select({ value: appStates.value, updatedAt: appStates.updatedAt })
    .from(appStates)
    .where(
      and(
        eq(appStates.environmentId, sql.placeholder('environmentId')),
        eq(appStates.appId, sql.placeholder('appId')),
        eq(appStates.key, sql.placeholder('key')),
      ),
    )
    .prepare('platform_app_state_get'),
);

const selectAppStates = preparedPerDatabase((db) =>
  db
    .select({ environmentId: appStates.environmentId, appId: appStates.appId, key: appStates.key, value: appStates.value, updatedAt: appStates.updatedAt })
    .from(appStates)
    .where(
      sql`(${appStates.environmentId}, ${appStates.appId}, ${appStates.key}) in (select * from unnest(${sql.placeholder('environmentIds')}::text[], ${sql.placeholder('appIds')}::text[], ${sql.placeholder('keys')}::text[]))`,
    )
    .prepare('platform_app_states_get_many'),
);

interface AppStateKey {
  environmentId: string;
  appId: string;
  key: string;
}

type StoredState = { value: unknown; updatedAt: Date } | null;

const appStateId = (k: AppStateKey) => `${k.environmentId}\u0000${k.appId}\u0000${k.key}`;

/** An app state by its key; reads that arrive together go to the database as one statement (batched-reads.ts). */
const readAppState = batchedReads<AppStateKey, NonNullable<StoredState>>({
  id: appStateId,
  async readOne(db, k) {
    const [found] = await selectAppState(db).execute({ environmentId: k.environmentId, appId: k.appId, key: k.key });
    return found ?? null;
  },
  async readMany(db, keys) {
    const rows = await selectAppStates(db).execute({
      environmentIds: keys.map((k) => k.environmentId),
      appIds: keys.map((k) => k.appId),
      keys: keys.map((k) => k.key),
    });
    return new Map(rows.map((row) => [appStateId(row), { value: row.value, updatedAt: row.updatedAt }]));
  },
});

// Keys of the read cache (read-cache.ts); app IDs and keys hold no control characters.
export const appStatesOfApp = (environmentId: string, appId: string) => `state:app:${environmentId}\u0000${appId}\u0000`;
export const userAppStatesOfApp = (environmentId: string, appId: string) => `state:user:${environmentId}\u0000${appId}\u0000`;
/**
 * Drops the state memory holds of deleted environments: it is gone from the database, and none of
 * it may be served again, also not to a new environment given the same ID.
 */
export function dropDeletedEnvironments(cache: ReadCache, changes: readonly Change[]): void {
  for (const change of changes) {
    if (change.kind !== 'environment') continue;
    cache.invalidatePrefix(`state:app:${change.environmentId}\u0000`);
    cache.invalidatePrefix(`state:user:${change.environmentId}\u0000`);
  }
}
const appStateKey = (ctx: PlatformContext, p: Params) => `${appStatesOfApp(ctx.environmentId, p.appId)}${p.key}`;
const userAppStateKey = (ctx: PlatformContext, p: Params) =>
  `${userAppStatesOfApp(ctx.environmentId, p.appId)}${ctx.owner.kind === 'user' ? `u:${ctx.owner.userId}` : `s:${ctx.owner.serviceUserId}`}\u0000${p.key}`;

// Parsed JSON takes more memory than its text: counted as twice the text, plus the key.
const storedSize = (key: string) => (row: StoredState) => 2 * (key.length + 64 + (row ? (JSON.stringify(row.value)?.length ?? 0) : 0));

/** A stored state by its cache key, from memory when the process keeps it (see read-cache.ts). */
function readState(ctx: PlatformContext, key: string, load: () => Promise<StoredState>): MaybePromise<StoredState> {
  return ctx.readCache ? ctx.readCache.read(key, load, storedSize(key)) : load();
}

/** Runs a change of stored state, then drops what memory holds of it (also if the change failed midway). */
export async function changingState<T>(ctx: PlatformContext, drop: (cache: ReadCache) => void, change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } finally {
    if (ctx.readCache) drop(ctx.readCache);
  }
}

/** Whose state: the app's, shared in the environment, or the token's owner's own. */
export type StateKind = 'app' | 'user';

const KIND_NAME: Record<StateKind, string> = { app: 'app state', user: 'user app state' };

/** The rows of one owner's state of one app, in one environment. */
function ownerStateWhere(environmentId: string, owner: Principal, p: Params): SQL | undefined {
  const ownerMatch =
    owner.kind === 'user' ? eq(userAppStates.ownerUserId, owner.userId) : eq(userAppStates.ownerServiceUserId, owner.serviceUserId);
  return and(eq(userAppStates.environmentId, environmentId), eq(userAppStates.appId, p.appId), ownerMatch, eq(userAppStates.key, p.key));
}

/** A stored value with when it was last set; 404 when there is none. From memory, it is given at once. */
export function loadState(ctx: PlatformContext, kind: StateKind, p: Params): MaybePromise<{ value: unknown; updatedAt: Date }> {
  const row =
    kind === 'app' ?
      readState(ctx, appStateKey(ctx, p), () => readAppState(ctx.db, { environmentId: ctx.environmentId, appId: p.appId, key: p.key }))
    : readState(ctx, userAppStateKey(ctx, p), async () => {
        const [found] = await ctx.db
          .select({ value: userAppStates.value, updatedAt: userAppStates.updatedAt })
          .from(userAppStates)
          .where(ownerStateWhere(ctx.environmentId, ctx.owner, p));
        return found ?? null;
      });
  return andThen(row, (found) => found ?? missing(KIND_NAME[kind], p));
}

/** Sets the value, created or replaced. */
export async function storeState(ctx: PlatformContext, kind: StateKind, p: Params, value: unknown): Promise<void> {
  if (kind === 'app') {
    await changingState(
      ctx,
      (cache) => cache.invalidate(appStateKey(ctx, p)),
      () =>
        ctx.db
          .insert(appStates)
          .values({ environmentId: ctx.environmentId, appId: p.appId, key: p.key, value, updatedAt: ctx.now })
          .onConflictDoUpdate({
            target: [appStates.environmentId, appStates.appId, appStates.key],
            set: { value, updatedAt: ctx.now },
          }),
    );
    return;
  }
  const owner = ownerColumns(ctx.owner);
  const byUser = ctx.owner.kind === 'user';
  await changingState(
    ctx,
    (cache) => cache.invalidate(userAppStateKey(ctx, p)),
    () =>
      ctx.db
        .insert(userAppStates)
        .values({ environmentId: ctx.environmentId, appId: p.appId, key: p.key, value, updatedAt: ctx.now, ...owner })
        .onConflictDoUpdate({
          // The partial unique index of the owner's kind is the conflict target.
          target: [
            userAppStates.environmentId,
            userAppStates.appId,
            byUser ? userAppStates.ownerUserId : userAppStates.ownerServiceUserId,
            userAppStates.key,
          ],
          targetWhere: byUser ? isNotNull(userAppStates.ownerUserId) : isNotNull(userAppStates.ownerServiceUserId),
          set: { value, updatedAt: sql`excluded.updated_at` },
        }),
  );
}

/** Deletes the value; 404 when there is none. */
export async function removeState(ctx: PlatformContext, kind: StateKind, p: Params): Promise<void> {
  const deleted =
    kind === 'app' ?
      await changingState(
        ctx,
        (cache) => cache.invalidate(appStateKey(ctx, p)),
        () =>
          ctx.db
            .delete(appStates)
            .where(and(eq(appStates.environmentId, ctx.environmentId), eq(appStates.appId, p.appId), eq(appStates.key, p.key)))
            .returning({ key: appStates.key }),
      )
    : await changingState(
        ctx,
        (cache) => cache.invalidate(userAppStateKey(ctx, p)),
        () => ctx.db.delete(userAppStates).where(ownerStateWhere(ctx.environmentId, ctx.owner, p)).returning({ id: userAppStates.id }),
      );
  if (deleted.length === 0) missing(KIND_NAME[kind], p);
}

export const getAppState = defineEndpoint({
  id: 'state.app-states.get',
  service: 'state',
  method: 'GET',
  path: '/state/v1/apps/{appId}/app-states/{key}',
  scopes: ['state:app-states:read'],
  summary: 'Get an app state value',
  params,
  attributes: appAttributes,
  responses: { 200: { description: 'The stored value.', schema: stateValue } },
  handle({ params: p }, ctx) {
    return andThen(loadState(ctx, 'app', p), (row) => ok(stateView(p, row.value, row.updatedAt)));
  },
});

export const putAppState = defineEndpoint({
  id: 'state.app-states.put',
  service: 'state',
  method: 'PUT',
  path: '/state/v1/apps/{appId}/app-states/{key}',
  scopes: ['state:app-states:write'],
  summary: 'Set an app state value',
  requestBody: 'JSON object with value',
  params,
  body: putBody,
  maxBodyBytes: MAX_STATE_BYTES,
  exampleBody: { value: { theme: 'dark' } },
  attributes: appAttributes,
  responses: { 200: { description: 'The value as stored.', schema: stateValue } },
  async handle({ params: p, body }, ctx) {
    await storeState(ctx, 'app', p, body.value);
    return ok(stateView(p, body.value, ctx.now));
  },
});

export const deleteAppState = defineEndpoint({
  id: 'state.app-states.delete',
  service: 'state',
  method: 'DELETE',
  path: '/state/v1/apps/{appId}/app-states/{key}',
  scopes: ['state:app-states:delete'],
  summary: 'Delete an app state value',
  params,
  attributes: appAttributes,
  responses: { 200: { description: 'The value is deleted.', schema: deletedState } },
  async handle({ params: p }, ctx) {
    await removeState(ctx, 'app', p);
    return ok({ appId: p.appId, key: p.key, deleted: true });
  },
});

export const getUserAppState = defineEndpoint({
  id: 'state.user-app-states.get',
  service: 'state',
  method: 'GET',
  path: '/state/v1/apps/{appId}/user-app-states/{key}',
  scopes: ['state:user-app-states:read'],
  summary: "Get the owner's app state value",
  params,
  attributes: appAttributes,
  responses: { 200: { description: "The owner's stored value.", schema: stateValue } },
  handle({ params: p }, ctx) {
    return andThen(loadState(ctx, 'user', p), (row) => ok(stateView(p, row.value, row.updatedAt)));
  },
});

export const putUserAppState = defineEndpoint({
  id: 'state.user-app-states.put',
  service: 'state',
  method: 'PUT',
  path: '/state/v1/apps/{appId}/user-app-states/{key}',
  scopes: ['state:user-app-states:write'],
  summary: "Set the owner's app state value",
  requestBody: 'JSON object with value',
  params,
  body: putBody,
  maxBodyBytes: MAX_STATE_BYTES,
  exampleBody: { value: { lastOpened: 'overview' } },
  attributes: appAttributes,
  responses: { 200: { description: 'The value as stored.', schema: stateValue } },
  async handle({ params: p, body }, ctx) {
    await storeState(ctx, 'user', p, body.value);
    return ok(stateView(p, body.value, ctx.now));
  },
});

export const deleteUserAppState = defineEndpoint({
  id: 'state.user-app-states.delete',
  service: 'state',
  method: 'DELETE',
  path: '/state/v1/apps/{appId}/user-app-states/{key}',
  scopes: ['state:user-app-states:delete'],
  summary: "Delete the owner's app state value",
  params,
  attributes: appAttributes,
  responses: { 200: { description: 'The value is deleted.', schema: deletedState } },
  async handle({ params: p }, ctx) {
    await removeState(ctx, 'user', p);
    return ok({ appId: p.appId, key: p.key, deleted: true });
  },
});

export const stateEndpoints = [getAppState, putAppState, deleteAppState, getUserAppState, putUserAppState, deleteUserAppState];
