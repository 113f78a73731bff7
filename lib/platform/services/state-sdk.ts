import { z } from 'zod';
import { defineEndpoint, ok, type HeaderParam } from '../endpoint';
import { storableString } from './storage-json';
import { appAttributes, loadState, MAX_STATE_BYTES, removeState, stateParams, storeState, type StateKind } from './state';

// The state service as the original platform's API has it (and its SDK, @dynatrace-sdk/client-state,
// calls it): /state/v1/app-states/{key} and /state/v1/user-app-states/{key}, values as strings,
// 204 on delete. The original knows the app from the calling app; a script names it with the
// `App-Id` header, and without one its state is the app `scripts`' (README, "Platform API").
// The values are the same as at /state/v1/apps/{appId}/...: a value set there as JSON other than
// a string reads here as its JSON text.

const DEFAULT_SCRIPT_APP_ID = 'scripts';
/** The app of a call of the original's API, which takes it from the calling app (app settings too). */
export const APP_HEADER: readonly HeaderParam[] = [{ header: 'app-id', param: 'appId', default: DEFAULT_SCRIPT_APP_ID }];

const putBody = z.object({
  value: storableString(z.string({ error: 'is required and must be a string' })),
  validUntilTime: z.null({ error: 'is not supported here: values are kept until deleted' }).optional(),
});

const stateValue = z
  .object({
    value: z.string(),
    modificationInfo: z.object({ lastModifiedTime: z.iso.datetime() }),
    validUntilTime: z.null(),
  })
  .meta({ id: 'PersistenceState' });

const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

function stateEndpoints(kind: StateKind) {
  const path = kind === 'app' ? '/state/v1/app-states/{key}' : '/state/v1/user-app-states/{key}';
  const name = kind === 'app' ? 'app-states' : 'user-app-states';
  const whose = kind === 'app' ? 'an app state value' : "the owner's app state value";
  const base = { service: 'state', path, params: stateParams, headerParams: APP_HEADER, attributes: appAttributes } as const;
  return [
    defineEndpoint({
      ...base,
      id: `state.${name}.get-by-key`,
      method: 'GET',
      scopes: [`state:${name}:read`],
      summary: `Get ${whose} (app from the App-Id header)`,
      responses: { 200: { description: 'The stored value, as text.', schema: stateValue } },
      async handle({ params: p }, ctx) {
        const row = await loadState(ctx, kind, p);
        return ok({ value: text(row.value), modificationInfo: { lastModifiedTime: row.updatedAt.toISOString() }, validUntilTime: null });
      },
    }),
    defineEndpoint({
      ...base,
      id: `state.${name}.set-by-key`,
      method: 'PUT',
      scopes: [`state:${name}:write`],
      summary: `Set ${whose} (app from the App-Id header)`,
      requestBody: 'JSON object with value (a string)',
      body: putBody,
      maxBodyBytes: MAX_STATE_BYTES,
      exampleBody: { value: 'dark' },
      responses: { 200: { description: 'The value is stored.' } },
      async handle({ params: p, body }, ctx) {
        await storeState(ctx, kind, p, body.value);
        return { status: 200, body: undefined };
      },
    }),
    defineEndpoint({
      ...base,
      id: `state.${name}.delete-by-key`,
      method: 'DELETE',
      scopes: [`state:${name}:delete`],
      summary: `Delete ${whose} (app from the App-Id header)`,
      responses: { 204: { description: 'The value is deleted.' } },
      async handle({ params: p }, ctx) {
        await removeState(ctx, kind, p);
        return { status: 204, body: undefined };
      },
    }),
  ];
}

export const stateSdkEndpoints = [...stateEndpoints('app'), ...stateEndpoints('user')];
