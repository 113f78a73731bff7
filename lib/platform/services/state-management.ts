import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { appStates, userAppStates } from '@/lib/db/schema';
import { defineEndpoint, ok } from '../endpoint';
import { APP_ID, appIdSchema, appStatesOfApp, changingState, userAppStatesOfApp } from './state';

// State management: remove all stored state of an app in the environment at once — the shared
// app states, or the user app states of every identity.

const params = z.object({ appId: appIdSchema });

const deletedAll = z.object({ appId: z.string(), deleted: z.int().min(0) });

export const deleteAllAppStates = defineEndpoint({
  id: 'state-management.app-states.delete',
  service: 'state-management',
  method: 'DELETE',
  path: '/state-management/v1/apps/{appId}/app-states',
  scopes: ['state-management:app-states:delete'],
  summary: 'Delete all app state of an app',
  params,
  attributes: ({ params: p }) => ({ [APP_ID]: p.appId }),
  responses: { 200: { description: 'How many values were deleted.', schema: deletedAll } },
  async handle({ params: p }, ctx) {
    const deleted = await changingState(
      ctx,
      (cache) => cache.invalidatePrefix(appStatesOfApp(ctx.environmentId, p.appId)),
      () =>
        ctx.db
          .delete(appStates)
          .where(and(eq(appStates.environmentId, ctx.environmentId), eq(appStates.appId, p.appId)))
          .returning({ key: appStates.key }),
    );
    return ok({ appId: p.appId, deleted: deleted.length });
  },
});

export const deleteAllUserAppStates = defineEndpoint({
  id: 'state-management.user-app-states.delete',
  service: 'state-management',
  method: 'DELETE',
  path: '/state-management/v1/apps/{appId}/user-app-states',
  scopes: ['state-management:user-app-states:delete'],
  summary: 'Delete all user app state of an app',
  params,
  attributes: ({ params: p }) => ({ [APP_ID]: p.appId }),
  responses: { 200: { description: 'How many values were deleted.', schema: deletedAll } },
  async handle({ params: p }, ctx) {
    const deleted = await changingState(
      ctx,
      (cache) => cache.invalidatePrefix(userAppStatesOfApp(ctx.environmentId, p.appId)),
      () =>
        ctx.db
          .delete(userAppStates)
          .where(and(eq(userAppStates.environmentId, ctx.environmentId), eq(userAppStates.appId, p.appId)))
          .returning({ id: userAppStates.id }),
    );
    return ok({ appId: p.appId, deleted: deleted.length });
  },
});

export const stateManagementEndpoints = [deleteAllAppStates, deleteAllUserAppStates];
