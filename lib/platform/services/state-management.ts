import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { appStates, userAppStates } from '@/lib/db/schema';
import { defineEndpoint, ok } from '../endpoint';
import { APP_ID, appIdSchema, appStatesOfApp, changingState, userAppStatesOfApp } from './state';

// State management: remove all stored state of an app in the environment at once — the shared
// app states, or the user app states of every identity.

const params = z.object({ appId: appIdSchema });

export const deleteAllAppStates = defineEndpoint({
  id: 'state-management.app-states.delete',
  params,
  attributes: ({ params: p }) => ({ [APP_ID]: p.appId }),
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
  params,
  attributes: ({ params: p }) => ({ [APP_ID]: p.appId }),
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
