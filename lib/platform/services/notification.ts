import { and, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { selfNotifications } from '@/lib/db/schema';
import type { Principal } from '@/lib/iam/effective-permissions';
import { created, defineEndpoint, ok, type PlatformContext } from '../endpoint';
import { pageKey, pageQuery, readPageKey, timeIdPosition } from './pagination';
import { ownerColumns } from './principal';
import { storableString } from './storage-json';
import { queryParameters } from '../query-parameters';

// The notification service: notifications a token's owner sends to themself. Every token of the
// same owner sees the same notifications, and only those, in the environment.

const position = timeIdPosition;

function ownerMatch(owner: Principal) {
  return owner.kind === 'user' ? eq(selfNotifications.ownerUserId, owner.userId) : eq(selfNotifications.ownerServiceUserId, owner.serviceUserId);
}

export const notificationBody = z.object({
  title: storableString(z.string({ error: 'is required and must be a string' }).trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters')),
  message: storableString(z.string({ error: 'must be a string' }).max(10_000, 'must be at most 10000 characters')).default(''),
  severity: z.enum(['info', 'warning', 'error'], { error: 'must be one of info, warning, error' }).default('info'),
});

type Row = typeof selfNotifications.$inferSelect;

function view(row: Pick<Row, 'id' | 'title' | 'message' | 'severity' | 'createdAt'>) {
  return { id: row.id, title: row.title, message: row.message, severity: row.severity, createdAt: row.createdAt.toISOString() };
}

export async function createSelfNotification(ctx: PlatformContext, body: z.output<typeof notificationBody>) {
  const [row] = await ctx.db
    .insert(selfNotifications)
    .values({ environmentId: ctx.environmentId, ...ownerColumns(ctx.owner), ...body, createdAt: ctx.now })
    .returning();
  return view(row!);
}

const notificationSchema = z
  .object({ id: z.uuid(), title: z.string(), message: z.string(), severity: z.enum(['info', 'warning', 'error']), createdAt: z.iso.datetime() })
  .meta({ id: 'SelfNotification' });

export const listSelfNotifications = defineEndpoint({
  id: 'notification.self-notifications.list',
  service: 'notification',
  method: 'GET',
  path: '/notification/v2/self-notifications',
  scopes: ['notification:self-notifications:read'],
  summary: 'List notifications to yourself',
  query: queryParameters(pageQuery),
  responses: { 200: { description: 'A page of your notifications, newest first.', schema: z.object({ notifications: z.array(notificationSchema), nextPageKey: z.string().nullable() }) } },
  async handle({ query }, ctx) {
    const after = readPageKey(query, position);
    const rows = await ctx.db
      .select()
      .from(selfNotifications)
      .where(
        and(
          eq(selfNotifications.environmentId, ctx.environmentId),
          ownerMatch(ctx.owner),
          after ? sql`(${selfNotifications.createdAt}, ${selfNotifications.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : undefined,
        ),
      )
      .orderBy(desc(selfNotifications.createdAt), desc(selfNotifications.id))
      .limit(query.limit + 1);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return ok({
      notifications: page.map(view),
      nextPageKey: rows.length > query.limit && last ? pageKey([last.createdAt.toISOString(), last.id]) : null,
    });
  },
});

export const createSelfNotificationEndpoint = defineEndpoint({
  id: 'notification.self-notifications.create',
  service: 'notification',
  method: 'POST',
  path: '/notification/v2/self-notifications',
  scopes: ['notification:self-notifications:write'],
  summary: 'Create a notification to yourself',
  requestBody: 'JSON object with title, and optionally message and severity',
  body: notificationBody,
  exampleBody: { title: 'Nightly export finished', message: '1,204 records exported.', severity: 'info' },
  responses: { 201: { description: 'The new notification.', schema: notificationSchema } },
  async handle({ body }, ctx) {
    return created(await createSelfNotification(ctx, body));
  },
});

export const notificationEndpoints = [listSelfNotifications, createSelfNotificationEndpoint];
