import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  customType,
  index,
  inet,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

export const memberRole = pgEnum('member_role', ['member', 'admin']);
export const tokenStatus = pgEnum('token_status', ['active', 'disabled']);

export const accounts = pgTable('accounts', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  allowTokenManagement: boolean('allow_token_management').notNull().default(true),
  /** Token policy "Maximum lifetime" in days; null is no maximum. */
  maxTokenLifetimeDays: integer('max_token_lifetime_days'),
  /** Token policy "Disable tokens unused for" in days; null is never. */
  disableUnusedTokensDays: integer('disable_unused_tokens_days'),
  createdAt: createdAt(),
}, (t) => [
  check('accounts_max_token_lifetime_days_range', sql`${t.maxTokenLifetimeDays} between 1 and 36500`),
  check('accounts_disable_unused_tokens_days_range', sql`${t.disableUnusedTokensDays} between 1 and 36500`),
]);

export const environments = pgTable(
  'environments',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('environments_account_idx').on(t.accountId)],
);

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    /** scrypt hash (lib/auth/password.ts); null for a person who signs in only through single sign-on. */
    passwordHash: text('password_hash'),
    /**
     * The password was chosen with an invitation link, which the inviting admin sees as well: it
     * does not show that whoever chose it owns the email. A reset link (sent to the email) proves
     * it; the first sign-in through single sign-on, which the provider vouches for, ends it.
     */
    passwordUnproven: boolean('password_unproven').notNull().default(false),
    /** May create accounts ("Accounts"); the person who set the portal up is one. */
    isInstanceAdmin: boolean('is_instance_admin').notNull().default(false),
    lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('users_email_key').on(t.email),
    // Searching the admin token list by owner or creator: by any part of a name or email, and
    // by the start of an email (what someone typing "name@" means) without reading every user.
    index('users_email_trgm_idx').using('gin', t.email.op('gin_trgm_ops')),
    index('users_email_prefix_idx').on(t.email.op('text_pattern_ops')),
    index('users_name_trgm_idx').using('gin', t.name.op('gin_trgm_ops')),
    check('users_email_lowercase', sql`${t.email} = lower(${t.email})`),
  ],
);

/** A user's place in an account. Its row is also the lock that serialises the token limit. */
export const accountMembers = pgTable(
  'account_members',
  {
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: memberRole('role').notNull().default('member'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.userId] }), index('account_members_user_idx').on(t.userId)],
);

export const serviceUsers = pgTable(
  'service_users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('service_users_account_email_key').on(t.accountId, t.email),
    check('service_users_email_lowercase', sql`${t.email} = lower(${t.email})`),
  ],
);

export const groups = pgTable(
  'groups',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    name: varchar('name', { length: 255 }).notNull(),
    description: text('description').notNull().default(''),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('groups_account_name_key').on(t.accountId, t.name)],
);

/** A member is either a user or a service user of the group's account. */
export const groupMembers = pgTable(
  'group_members',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    serviceUserId: uuid('service_user_id').references(() => serviceUsers.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [
    check('group_members_one_principal', sql`num_nonnulls(${t.userId}, ${t.serviceUserId}) = 1`),
    uniqueIndex('group_members_user_key').on(t.groupId, t.userId).where(sql`${t.userId} is not null`),
    uniqueIndex('group_members_service_user_key')
      .on(t.groupId, t.serviceUserId)
      .where(sql`${t.serviceUserId} is not null`),
    index('group_members_user_idx').on(t.userId),
    index('group_members_service_user_idx').on(t.serviceUserId),
  ],
);

export const policies = pgTable(
  'policies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    name: varchar('name', { length: 255 }).notNull(),
    description: text('description').notNull().default(''),
    statements: text('statements').notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('policies_account_name_key').on(t.accountId, t.name)],
);

/** Binds a policy to a group, account-wide or (when it has environments) only in those. */
export const policyBindings = pgTable(
  'policy_bindings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    policyId: uuid('policy_id')
      .notNull()
      .references(() => policies.id, { onDelete: 'cascade' }),
    accountWide: boolean('account_wide').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('policy_bindings_group_policy_key').on(t.groupId, t.policyId),
    index('policy_bindings_policy_idx').on(t.policyId),
  ],
);

export const policyBindingEnvironments = pgTable(
  'policy_binding_environments',
  {
    bindingId: uuid('binding_id')
      .notNull()
      .references(() => policyBindings.id, { onDelete: 'cascade' }),
    environmentId: text('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.bindingId, t.environmentId] }),
    index('policy_binding_environments_env_idx').on(t.environmentId),
  ],
);

export const platformTokens = pgTable(
  'platform_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    /** The 24 characters after `dt0s16.`; the token ID shown everywhere is derived from it. */
    publicId: varchar('public_id', { length: 24 }).notNull(),
    /** SHA-256 of the whole token; the secret itself is never stored. */
    secretHash: varchar('secret_hash', { length: 64 }).notNull(),
    name: varchar('name', { length: 255 }).notNull(),
    ownerUserId: uuid('owner_user_id').references(() => users.id, { onDelete: 'cascade' }),
    ownerServiceUserId: uuid('owner_service_user_id').references(() => serviceUsers.id, { onDelete: 'cascade' }),
    /** The user who generated it; the limit of 10 is counted per creator and account. */
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    scopes: text('scopes').array().notNull(),
    appliesToAccount: boolean('applies_to_account').notNull().default(false),
    status: tokenStatus('status').notNull().default('active'),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
    lastUsedIp: inet('last_used_ip'),
    rotatedFromId: uuid('rotated_from_id').references((): AnyPgColumn => platformTokens.id, { onDelete: 'set null' }),
    rotatedToId: uuid('rotated_to_id').references((): AnyPgColumn => platformTokens.id, { onDelete: 'set null' }),
    /** Set when a rotation superseded this token; such tokens no longer count against the limit. */
    rotatedAt: timestamp('rotated_at', { withTimezone: true, mode: 'date' }),
    /** "Allowed client addresses": CIDR blocks calls must come from; null or empty is anywhere. */
    allowedClientAddresses: text('allowed_client_addresses').array(),
  },
  (t) => [
    uniqueIndex('platform_tokens_public_id_key').on(t.publicId),
    check('platform_tokens_name_length', sql`char_length(btrim(${t.name})) between 1 and 255`),
    check('platform_tokens_one_owner', sql`num_nonnulls(${t.ownerUserId}, ${t.ownerServiceUserId}) = 1`),
    check('platform_tokens_scopes_nonempty', sql`cardinality(${t.scopes}) >= 1`),
    check('platform_tokens_public_id_format', sql`${t.publicId} ~ '^[A-Z0-9]{24}$'`),
    index('platform_tokens_account_created_idx').on(t.accountId, t.createdAt.desc(), t.id),
    index('platform_tokens_creator_idx').on(t.createdById, t.accountId),
    index('platform_tokens_owner_user_idx').on(t.ownerUserId),
    index('platform_tokens_owner_service_user_idx').on(t.ownerServiceUserId),
    index('platform_tokens_rotated_from_idx').on(t.rotatedFromId),
    index('platform_tokens_rotated_to_idx').on(t.rotatedToId),
    // The admin list: every sortable column walks an index in order, so the first page costs the
    // same at any size; substring search uses trigram indexes. No index holds the status: changing
    // it then rewrites the row in place on its page (a HOT update, the table's fillfactor leaves
    // room, see drizzle/0008) instead of adding an entry to each of these indexes, which is what
    // made disabling 100,000 tokens at once take over a minute. A status filter reads the order's
    // index and skips tokens of other statuses.
    index('platform_tokens_account_name_idx').on(t.accountId, sql`lower(${t.name})`, t.id),
    index('platform_tokens_account_public_id_idx').on(t.accountId, t.publicId),
    // "Never" sorts as infinity, so the active filter (not yet expired) is one index range.
    index('platform_tokens_account_expiry_idx').on(t.accountId, sql`coalesce(${t.expiresAt}, 'infinity'::timestamptz)`, t.id),
    // The lifecycle job's expiry reminders: the tokens expiring within days, across accounts. Not
    // partial on the status: an index that names it would end the in-place status change above.
    index('platform_tokens_expiry_idx').on(t.expiresAt).where(sql`${t.expiresAt} is not null`),
    index('platform_tokens_account_last_used_idx').on(t.accountId, t.lastUsedAt.desc().nullsLast(), t.id),
    index('platform_tokens_name_trgm_idx').using('gin', t.name.op('gin_trgm_ops')),
    index('platform_tokens_public_id_trgm_idx').using('gin', t.publicId.op('gin_trgm_ops')),
  ],
);

export const platformTokenEnvironments = pgTable(
  'platform_token_environments',
  {
    tokenId: uuid('token_id')
      .notNull()
      .references(() => platformTokens.id, { onDelete: 'cascade' }),
    environmentId: text('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.tokenId, t.environmentId] }),
    index('platform_token_environments_env_idx').on(t.environmentId),
  ],
);

/**
 * The expiry reminders sent (PRODUCT.md §11): one row per token, kind and the expiry it was
 * about, written in the transaction that puts the emails in the outbox. The unique key makes each
 * reminder go out once, however many instances run the lifecycle job and however often it restarts.
 */
export const tokenExpiryReminders = pgTable(
  'token_expiry_reminders',
  {
    tokenId: uuid('token_id')
      .notNull()
      .references(() => platformTokens.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<'7d' | '1d'>().notNull(),
    /** The expiry the reminder was for: a changed expiry gets reminders of its own. */
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tokenId, t.kind, t.expiresAt] }),
    check('token_expiry_reminders_kind', sql`${t.kind} in ('7d', '1d')`),
  ],
);

export const auditActions = [
  'token.generated',
  'token.duplicated',
  'token.rotated',
  'token.disabled',
  'token.enabled',
  'token.deleted',
  'token.expiration_changed',
  'tokens.bulk_disabled',
  'tokens.bulk_enabled',
  'tokens.bulk_deleted',
  'account.token_management_allowed',
  'account.token_management_denied',
  'account.token_policy_changed',
  'token.reported_leaked',
  'token.disabled_unused',
  'group.created',
  'group.renamed',
  'group.deleted',
  'group.member_added',
  'group.member_removed',
  'policy.created',
  'policy.updated',
  'policy.deleted',
  'policy.bound',
  'policy.unbound',
  'service_user.created',
  'service_user.deleted',
  'account.created',
  'environment.created',
  'environment.renamed',
  'environment.deleted',
  'invitation.created',
  'invitation.resent',
  'invitation.revoked',
  'invitation.accepted',
  'member.role_changed',
  'member.removed',
  'user.renamed',
  'user.password_changed',
  'user.password_reset',
  'user.signed_out_everywhere',
] as const;
export type AuditAction = (typeof auditActions)[number];

/**
 * Who did what to which token, person, environment or setting, when. Never holds a secret: tokens
 * appear by their token ID, invitations and password resets by the email they are for.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    actorUserId: uuid('actor_user_id').references(() => users.id, { onDelete: 'set null' }),
    /** Kept as text so the log still reads right after the actor is gone. */
    actorEmail: text('actor_email').notNull(),
    action: text('action').$type<AuditAction>().notNull(),
    /** Token ID (`dt0s16.<public>`) when the event concerns one token. */
    tokenId: varchar('token_id', { length: 31 }),
    /** What else the event concerns, when not a token: a person's email, an environment ID, … */
    targetName: text('target_name'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    index('audit_events_account_created_idx').on(t.accountId, t.createdAt.desc(), t.id),
    index('audit_events_account_action_idx').on(t.accountId, t.action, t.createdAt.desc()),
    index('audit_events_token_idx').on(t.tokenId),
    index('audit_events_actor_idx').on(t.accountId, t.actorEmail),
    // Bulk events list their token IDs in details.tokenIds; filtering the log by token finds them.
    index('audit_events_token_ids_idx').using('gin', sql`(${t.details} -> 'tokenIds') jsonb_path_ops`),
  ],
);

/**
 * Any JSON value in a jsonb column. Unlike drizzle's `jsonb`, it does not parse a second time, so a
 * stored string that happens to look like JSON ('{"a":1}', '42') comes back as that string.
 */
const jsonValue = customType<{ data: unknown; driverData: unknown }>({
  dataType: () => 'jsonb',
  toDriver: (value) => JSON.stringify(value),
  fromDriver: (value) => value,
});

const updatedAt = () => timestamp('updated_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow();

/** A document of the document service (dashboards, notebooks, …), per environment. */
export const documents = pgTable(
  'documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    environmentId: text('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
    name: varchar('name', { length: 255 }).notNull(),
    /** The `document:document-type` attribute policies can condition on. */
    type: varchar('type', { length: 100 }).notNull(),
    description: varchar('description', { length: 1000 }),
    content: jsonValue('content').notNull(),
    /** The content's media type, as uploaded; JSON content is kept as a JSON value, other text as a string. */
    contentType: varchar('content_type', { length: 255 }).notNull().default('application/json'),
    /** Optimistic locking: every change adds one, and a change naming an older version is refused (409). */
    version: integer('version').notNull().default(1),
    /** The identity (user or service user) whose token made the latest change; no reference, it is a record. */
    lastModifiedBy: uuid('last_modified_by'),
    /** The owner of the token that created it; kept (as null) when that identity is deleted. */
    ownerUserId: uuid('owner_user_id').references(() => users.id, { onDelete: 'set null' }),
    ownerServiceUserId: uuid('owner_service_user_id').references(() => serviceUsers.id, { onDelete: 'set null' }),
    // Millisecond precision, so that a page key built from a JavaScript Date matches exactly.
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('documents_environment_created_idx').on(t.environmentId, t.createdAt, t.id),
    check('documents_at_most_one_owner', sql`num_nonnulls(${t.ownerUserId}, ${t.ownerServiceUserId}) <= 1`),
  ],
);

/** State shared by every user of an app, per environment. */
export const appStates = pgTable(
  'app_states',
  {
    environmentId: text('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
    appId: varchar('app_id', { length: 200 }).notNull(),
    key: varchar('key', { length: 200 }).notNull(),
    value: jsonValue('value').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.environmentId, t.appId, t.key] })],
);

/** State of an app per identity (the owner of the calling token), per environment. */
export const userAppStates = pgTable(
  'user_app_states',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    environmentId: text('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
    appId: varchar('app_id', { length: 200 }).notNull(),
    ownerUserId: uuid('owner_user_id').references(() => users.id, { onDelete: 'cascade' }),
    ownerServiceUserId: uuid('owner_service_user_id').references(() => serviceUsers.id, { onDelete: 'cascade' }),
    key: varchar('key', { length: 200 }).notNull(),
    value: jsonValue('value').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('user_app_states_one_owner', sql`num_nonnulls(${t.ownerUserId}, ${t.ownerServiceUserId}) = 1`),
    uniqueIndex('user_app_states_user_key')
      .on(t.environmentId, t.appId, t.ownerUserId, t.key)
      .where(sql`${t.ownerUserId} is not null`),
    uniqueIndex('user_app_states_service_user_key')
      .on(t.environmentId, t.appId, t.ownerServiceUserId, t.key)
      .where(sql`${t.ownerServiceUserId} is not null`),
  ],
);

export type Account = typeof accounts.$inferSelect;
export type Environment = typeof environments.$inferSelect;
export type User = typeof users.$inferSelect;
export type AccountMember = typeof accountMembers.$inferSelect;
export type MemberRole = (typeof memberRole.enumValues)[number];
export type ServiceUser = typeof serviceUsers.$inferSelect;
export type Group = typeof groups.$inferSelect;
export type Policy = typeof policies.$inferSelect;
export type PolicyBinding = typeof policyBindings.$inferSelect;
export type PlatformToken = typeof platformTokens.$inferSelect;
export type TokenStatus = (typeof tokenStatus.enumValues)[number];
export type AuditEvent = typeof auditEvents.$inferSelect;
export type Document = typeof documents.$inferSelect;
export type AppState = typeof appStates.$inferSelect;
export type UserAppState = typeof userAppStates.$inferSelect;

// ---------------------------------------------------------------------------------------------
// Storage, settings, automation, app engine, notification and email services.

const precisionCreatedAt = () =>
  timestamp('created_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow();

export const storageTable = pgEnum('storage_table', ['events', 'bizevents', 'logs']);

/** One ingested record (event, business event or log line); the record itself is jsonb. */
export const storageRecords = pgTable(
  'storage_records',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    environmentId: text('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
    table: storageTable('table').notNull(),
    /** The record's `timestamp` (set at ingest when it has none), for ordering and range filters. */
    timestamp: timestamp('timestamp', { withTimezone: true, mode: 'date', precision: 3 }).notNull(),
    record: jsonValue('record').$type<Record<string, unknown>>().notNull(),
    ingestedAt: precisionCreatedAt(),
  },
  (t) => [index('storage_records_env_table_time_idx').on(t.environmentId, t.table, t.timestamp.desc(), t.id.desc())],
);

/** A settings object: environment-wide (appId null) or of one app (app settings). */
export const settingsObjects = pgTable(
  'settings_objects',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    environmentId: text('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
    appId: varchar('app_id', { length: 200 }),
    schemaId: varchar('schema_id', { length: 200 }).notNull(),
    value: jsonValue('value').$type<Record<string, unknown>>().notNull(),
    /** Raised by every update, so clients can tell that an object changed. */
    version: integer('version').notNull().default(1),
    ownerUserId: uuid('owner_user_id').references(() => users.id, { onDelete: 'set null' }),
    ownerServiceUserId: uuid('owner_service_user_id').references(() => serviceUsers.id, { onDelete: 'set null' }),
    createdAt: precisionCreatedAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('settings_objects_env_app_created_idx').on(t.environmentId, t.appId, t.createdAt, t.id),
    check('settings_objects_at_most_one_owner', sql`num_nonnulls(${t.ownerUserId}, ${t.ownerServiceUserId}) <= 1`),
  ],
);

export const workflows = pgTable(
  'workflows',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    environmentId: text('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
    title: varchar('title', { length: 200 }).notNull(),
    description: text('description').notNull().default(''),
    tasks: jsonValue('tasks').$type<unknown[]>().notNull(),
    ownerUserId: uuid('owner_user_id').references(() => users.id, { onDelete: 'set null' }),
    ownerServiceUserId: uuid('owner_service_user_id').references(() => serviceUsers.id, { onDelete: 'set null' }),
    /** 1 when created, one more with each change. */
    version: integer('version').notNull().default(1),
    createdAt: precisionCreatedAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('workflows_env_created_idx').on(t.environmentId, t.createdAt, t.id),
    check('workflows_at_most_one_owner', sql`num_nonnulls(${t.ownerUserId}, ${t.ownerServiceUserId}) <= 1`),
  ],
);

export const executionState = pgEnum('execution_state', ['success', 'error']);

/** One run of a workflow with the result of each task, run with the permissions of a token. */
export const workflowExecutions = pgTable(
  'workflow_executions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workflowId: uuid('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    environmentId: text('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
    state: executionState('state').notNull(),
    input: jsonValue('input').notNull(),
    tasks: jsonValue('tasks').$type<unknown[]>().notNull(),
    /** Token ID (`dt0s16.<public>`) of the token that ran it. */
    tokenId: varchar('token_id', { length: 31 }).notNull(),
    ownerUserId: uuid('owner_user_id').references(() => users.id, { onDelete: 'set null' }),
    ownerServiceUserId: uuid('owner_service_user_id').references(() => serviceUsers.id, { onDelete: 'set null' }),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull(),
  },
  (t) => [
    index('workflow_executions_workflow_started_idx').on(t.workflowId, t.startedAt),
    index('workflow_executions_env_idx').on(t.environmentId),
  ],
);

/** An app of the built-in registry installed in an environment. */
export const installedApps = pgTable(
  'installed_apps',
  {
    environmentId: text('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
    appId: varchar('app_id', { length: 200 }).notNull(),
    version: varchar('version', { length: 50 }).notNull(),
    ownerUserId: uuid('owner_user_id').references(() => users.id, { onDelete: 'set null' }),
    ownerServiceUserId: uuid('owner_service_user_id').references(() => serviceUsers.id, { onDelete: 'set null' }),
    installedAt: timestamp('installed_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.environmentId, t.appId] })],
);

export const notificationSeverity = pgEnum('notification_severity', ['info', 'warning', 'error']);

/** A notification a token's owner sent to themself, per environment. */
export const selfNotifications = pgTable(
  'self_notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    environmentId: text('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
    ownerUserId: uuid('owner_user_id').references(() => users.id, { onDelete: 'cascade' }),
    ownerServiceUserId: uuid('owner_service_user_id').references(() => serviceUsers.id, { onDelete: 'cascade' }),
    title: varchar('title', { length: 200 }).notNull(),
    message: text('message').notNull(),
    severity: notificationSeverity('severity').notNull().default('info'),
    createdAt: precisionCreatedAt(),
  },
  (t) => [
    check('self_notifications_one_owner', sql`num_nonnulls(${t.ownerUserId}, ${t.ownerServiceUserId}) = 1`),
    index('self_notifications_user_idx').on(t.environmentId, t.ownerUserId, t.createdAt, t.id),
    index('self_notifications_service_user_idx').on(t.environmentId, t.ownerServiceUserId, t.createdAt, t.id),
  ],
);

export const emailStatus = pgEnum('email_status', ['stored', 'sending', 'sent', 'failed']);

/**
 * The outbox: every email sent through the email service, delivered over SMTP when configured, and
 * the portal's own emails (invitations, password resets: no environment and no token; the owner is
 * the person they were sent for, the inviting admin or the person resetting, and the stored body
 * never holds the one-time link).
 */
export const emailMessages = pgTable(
  'email_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    environmentId: text('environment_id').references(() => environments.id, { onDelete: 'cascade' }),
    ownerUserId: uuid('owner_user_id').references(() => users.id, { onDelete: 'cascade' }),
    ownerServiceUserId: uuid('owner_service_user_id').references(() => serviceUsers.id, { onDelete: 'cascade' }),
    /** Token ID (`dt0s16.<public>`) of the token that sent it; its creator sees it too. */
    tokenId: varchar('token_id', { length: 31 }),
    to: text('to').array().notNull(),
    cc: text('cc').array().notNull().default(sql`'{}'::text[]`),
    bcc: text('bcc').array().notNull().default(sql`'{}'::text[]`),
    subject: varchar('subject', { length: 998 }).notNull(),
    body: text('body').notNull(),
    contentType: varchar('content_type', { length: 20 }).$type<'text/plain' | 'text/html'>().notNull(),
    status: emailStatus('status').notNull(),
    /** Why delivery failed, without credentials. */
    error: text('error'),
    createdAt: precisionCreatedAt(),
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date', precision: 3 }),
  },
  (t) => [
    check('email_messages_one_owner', sql`num_nonnulls(${t.ownerUserId}, ${t.ownerServiceUserId}) = 1`),
    check('email_messages_service_or_portal', sql`num_nonnulls(${t.environmentId}, ${t.tokenId}) in (0, 2)`),
    index('email_messages_user_idx').on(t.ownerUserId, t.createdAt),
    index('email_messages_service_user_idx').on(t.ownerServiceUserId, t.createdAt),
    index('email_messages_token_idx').on(t.tokenId, t.createdAt),
  ],
);

export type StorageRecord = typeof storageRecords.$inferSelect;
export type StorageTableName = (typeof storageTable.enumValues)[number];
export type SettingsObject = typeof settingsObjects.$inferSelect;
export type Workflow = typeof workflows.$inferSelect;
export type WorkflowExecution = typeof workflowExecutions.$inferSelect;
export type InstalledApp = typeof installedApps.$inferSelect;
export type SelfNotification = typeof selfNotifications.$inferSelect;
export type EmailMessage = typeof emailMessages.$inferSelect;

/**
 * A signed-in browser. The session cookie carries only this row's ID; a request is signed in only
 * while its row exists and has not expired, so signing out (deleting the row) takes effect on the
 * next request, everywhere. Deleting the user deletes their sessions.
 */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    userAgent: varchar('user_agent', { length: 512 }),
    ip: inet('ip'),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
);

export type UserSession = typeof sessions.$inferSelect;

/**
 * Failures per limited key (a failed sign-in or bearer verification) in its current window,
 * shared by every instance so that a limit holds for the cluster. Written only on a failure.
 * Unlogged (migration 0006): a crash of the server forgets recent failures, which costs
 * nothing but a fresh window, and no write of it waits for the write-ahead log.
 */
export const failureCounts = pgTable(
  'failure_counts',
  {
    /** Which limit counts it, e.g. `verification` or `sign-in:client`. */
    scope: varchar('scope', { length: 40 }).notNull(),
    /** SHA-256 of the client address, email or device it limits (base64url): no address or email is stored. */
    key: varchar('key', { length: 43 }).notNull(),
    count: integer('count').notNull(),
    windowEndsAt: timestamp('window_ends_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] })],
);

/**
 * An invitation to join an account. The link carries a random code; only its SHA-256 is kept, so
 * the database cannot give a link away. Pending until accepted, revoked or expired (7 days).
 */
export const invitations = pgTable(
  'invitations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: memberRole('role').notNull().default('member'),
    /** Groups of the account the person joins on accepting; groups deleted meanwhile are skipped. */
    groupIds: uuid('group_ids').array().notNull().default(sql`'{}'::uuid[]`),
    codeHash: varchar('code_hash', { length: 64 }).notNull(),
    invitedById: uuid('invited_by_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true, mode: 'date' }),
    acceptedById: uuid('accepted_by_id').references(() => users.id, { onDelete: 'set null' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    uniqueIndex('invitations_code_hash_key').on(t.codeHash),
    // At most one open (not accepted, not revoked) invitation per person and account.
    uniqueIndex('invitations_open_key').on(t.accountId, t.email).where(sql`${t.acceptedAt} is null and ${t.revokedAt} is null`),
    index('invitations_email_idx').on(t.email),
    check('invitations_email_lowercase', sql`${t.email} = lower(${t.email})`),
  ],
);

/** A "forgot password" link: only the SHA-256 of its code is kept; valid one hour, once. */
export const passwordResets = pgTable(
  'password_resets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: varchar('code_hash', { length: 64 }).notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [uniqueIndex('password_resets_code_hash_key').on(t.codeHash), index('password_resets_user_idx').on(t.userId)],
);

/**
 * Setup codes printed by instances that started on a database without any user; only their
 * SHA-256 is kept. Any of them sets the portal up once; then all are deleted.
 */
export const setupCodes = pgTable('setup_codes', {
  codeHash: varchar('code_hash', { length: 64 }).primaryKey(),
  createdAt: createdAt(),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
});

export type Invitation = typeof invitations.$inferSelect;
export type PasswordReset = typeof passwordResets.$inferSelect;
