import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { installedApps, settingsObjects } from '@/lib/db/schema';
import { created, defineEndpoint, ok, type PlatformContext } from '../endpoint';
import { badRequest, notFound } from '../errors';
import { BUILT_IN_APPS, findBuiltInApp, functionView, type BuiltInApp } from './app-engine-registry';
import { ownerColumns } from './principal';

// The app engine: the registry of built-in apps, their installation per environment, and calls
// of their functions. Only an installed app's functions run, with the input its schema accepts;
// only a function that declares it reads its app's settings is given them.

/** The policy attribute of app settings: the app whose settings objects are read or written. */
export const APP_SETTINGS_APP_ID = 'app-settings:app-id';
const APP_SETTINGS_READ = 'app-settings:objects:read';

export const appIdParam = z.string().regex(/^[a-z0-9][a-z0-9.-]{0,199}$/, 'must be an app ID: lowercase letters, digits, "." or "-"');

/** The installed app, or a 404 that says how to install it. */
export async function requireInstalledApp(ctx: PlatformContext, appId: string): Promise<BuiltInApp> {
  const app = findBuiltInApp(appId);
  const [row] = app
    ? await ctx.db
        .select({ appId: installedApps.appId })
        .from(installedApps)
        .where(and(eq(installedApps.environmentId, ctx.environmentId), eq(installedApps.appId, appId)))
    : [];
  if (!app || !row) {
    throw notFound(`The app '${appId}' is not installed in this environment. POST /app-engine/registry/v1/apps installs an app of the registry.`);
  }
  return app;
}

function appView(app: BuiltInApp, installedAt: Date | null) {
  return {
    id: app.id,
    name: app.name,
    version: app.version,
    description: app.description,
    installed: installedAt !== null,
    installedAt: installedAt?.toISOString() ?? null,
    functions: app.functions.map(functionView),
    settingsSchemas: app.settingsSchemas.map((s) => s.schemaId),
  };
}

const appSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    version: z.string(),
    description: z.string(),
    installed: z.boolean(),
    installedAt: z.iso.datetime().nullable(),
    functions: z.array(
      z.object({
        name: z.string(),
        description: z.string(),
        readsSettings: z.boolean(),
        input: z.record(z.string(), z.unknown()).meta({ description: "The function's input as JSON Schema" }),
      }),
    ),
    settingsSchemas: z.array(z.string()),
  })
  .meta({ id: 'App' });
const appList = z.object({ apps: z.array(appSchema), available: z.array(appSchema) });

export const listApps = defineEndpoint({
  id: 'app-engine.apps.list',
  service: 'app-engine',
  method: 'GET',
  path: '/app-engine/registry/v1/apps',
  scopes: ['app-engine:apps:run'],
  summary: 'List installed apps',
  responses: { 200: { description: 'The installed apps, and every app of the registry.', schema: appList } },
  async handle(_input, ctx) {
    const rows = await ctx.db
      .select({ appId: installedApps.appId, installedAt: installedApps.installedAt })
      .from(installedApps)
      .where(eq(installedApps.environmentId, ctx.environmentId))
      .orderBy(asc(installedApps.appId));
    const installed = new Map(rows.map((r) => [r.appId, r.installedAt]));
    return ok({
      apps: BUILT_IN_APPS.filter((a) => installed.has(a.id)).map((a) => appView(a, installed.get(a.id) ?? null)),
      available: BUILT_IN_APPS.map((a) => appView(a, installed.get(a.id) ?? null)),
    });
  },
});

export const installApp = defineEndpoint({
  id: 'app-engine.apps.install',
  service: 'app-engine',
  method: 'POST',
  path: '/app-engine/registry/v1/apps',
  scopes: ['app-engine:apps:install'],
  summary: 'Install an app',
  requestBody: 'JSON object with the id of an app of the registry, and optionally its version',
  body: z.object({
    id: z.string({ error: 'is required: the ID of an app of the registry' }).min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
    version: z.string({ error: 'must be a string' }).max(50, 'must be at most 50 characters').optional(),
  }),
  exampleBody: { id: 'hello-world' },
  responses: {
    201: { description: 'The app is installed now.', schema: appSchema },
    200: { description: 'The app was installed already.', schema: appSchema },
  },
  async handle({ body }, ctx) {
    const app = findBuiltInApp(body.id);
    if (!app) {
      throw badRequest(`Invalid request body field 'id': there is no app '${body.id}' in the registry. Known apps: ${BUILT_IN_APPS.map((a) => a.id).join(', ')}.`);
    }
    if (body.version !== undefined && body.version !== app.version) {
      throw badRequest(`Invalid request body field 'version': the registry has ${app.id} ${app.version} only.`);
    }
    const inserted = await ctx.db
      .insert(installedApps)
      .values({ environmentId: ctx.environmentId, appId: app.id, version: app.version, installedAt: ctx.now, ...ownerColumns(ctx.owner) })
      .onConflictDoNothing()
      .returning({ installedAt: installedApps.installedAt });
    if (inserted[0]) return created(appView(app, inserted[0].installedAt));
    const [row] = await ctx.db
      .select({ installedAt: installedApps.installedAt })
      .from(installedApps)
      .where(and(eq(installedApps.environmentId, ctx.environmentId), eq(installedApps.appId, app.id)));
    return ok(appView(app, row?.installedAt ?? ctx.now));
  },
});

/** The app's settings objects in the environment, by schema (the oldest object of each). */
async function appSettings(ctx: PlatformContext, appId: string): Promise<Map<string, Record<string, unknown>>> {
  const rows = await ctx.db
    .select({ schemaId: settingsObjects.schemaId, value: settingsObjects.value })
    .from(settingsObjects)
    .where(and(eq(settingsObjects.environmentId, ctx.environmentId), eq(settingsObjects.appId, appId)))
    .orderBy(asc(settingsObjects.createdAt), asc(settingsObjects.id));
  const out = new Map<string, Record<string, unknown>>();
  for (const r of rows) if (!out.has(r.schemaId)) out.set(r.schemaId, r.value);
  return out;
}

export const runAppFunction = defineEndpoint({
  id: 'app-engine.functions.run',
  service: 'app-engine',
  method: 'POST',
  path: '/app-engine/app-functions/v1/apps/{appId}/api/{function}',
  scopes: ['app-engine:functions:run'],
  readsFrom: ['app-settings:objects:read'],
  summary: 'Call an app function',
  description: "A function that reads its app's settings (the registry lists which) also needs app-settings:objects:read for that app.",
  requestBody: 'Any JSON, passed to the function',
  params: z.object({
    appId: appIdParam,
    function: z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}$/, 'must be a function name: lowercase letters, digits or "-"'),
  }),
  body: z.unknown(),
  exampleBody: { name: 'Alice' },
  responses: { 200: { description: "The function's result (the registry describes each).", schema: z.unknown() } },
  async handle({ params, body }, ctx) {
    const app = await requireInstalledApp(ctx, params.appId);
    const fn = app.functions.find((f) => f.name === params.function);
    if (!fn) {
      throw notFound(`The app '${app.id}' has no function '${params.function}'. Its functions: ${app.functions.map((f) => f.name).join(', ')}.`);
    }
    const parsed = fn.input.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue && issue.path.length > 0 ? `field '${issue.path.map(String).join('.')}'` : null;
      throw badRequest(field ? `Invalid request body ${field}: ${issue?.message}` : `Invalid request body: ${issue?.message ?? 'invalid value'}`);
    }
    // The result can show the settings (a greeting's words): reading them needs what a direct read needs.
    if (fn.readsSettings) ctx.authorize(APP_SETTINGS_READ, { [APP_SETTINGS_APP_ID]: app.id });
    const settings = fn.readsSettings ? await appSettings(ctx, app.id) : new Map<string, Record<string, unknown>>();
    return ok(fn.run(parsed.data, { settings, now: ctx.now }));
  },
});

export const appEngineEndpoints = [listApps, installApp, runAppFunction];
