CREATE TYPE "public"."member_role" AS ENUM('member', 'admin');--> statement-breakpoint
CREATE TYPE "public"."token_status" AS ENUM('active', 'disabled');--> statement-breakpoint
CREATE TABLE "account_members" (
	"account_id" text NOT NULL,
	"user_id" uuid NOT NULL,
	"role" "member_role" DEFAULT 'member' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "account_members_account_id_user_id_pk" PRIMARY KEY("account_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"allow_token_management" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"actor_user_id" uuid,
	"actor_email" text NOT NULL,
	"action" text NOT NULL,
	"token_id" varchar(31),
	"target_name" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "environments" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "group_members" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"group_id" uuid NOT NULL,
	"user_id" uuid,
	"service_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "group_members_one_principal" CHECK (num_nonnulls("group_members"."user_id", "group_members"."service_user_id") = 1)
);
--> statement-breakpoint
CREATE TABLE "groups" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" text NOT NULL,
	"name" varchar(255) NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "platform_token_environments" (
	"token_id" uuid NOT NULL,
	"environment_id" text NOT NULL,
	CONSTRAINT "platform_token_environments_token_id_environment_id_pk" PRIMARY KEY("token_id","environment_id")
);
--> statement-breakpoint
CREATE TABLE "platform_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" text NOT NULL,
	"public_id" varchar(24) NOT NULL,
	"secret_hash" varchar(64) NOT NULL,
	"name" varchar(255) NOT NULL,
	"owner_user_id" uuid,
	"owner_service_user_id" uuid,
	"created_by_id" uuid,
	"scopes" text[] NOT NULL,
	"applies_to_account" boolean DEFAULT false NOT NULL,
	"status" "token_status" DEFAULT 'active' NOT NULL,
	"expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"last_used_ip" "inet",
	"rotated_from_id" uuid,
	"rotated_to_id" uuid,
	"rotated_at" timestamp with time zone,
	CONSTRAINT "platform_tokens_name_length" CHECK (char_length(btrim("platform_tokens"."name")) between 1 and 255),
	CONSTRAINT "platform_tokens_one_owner" CHECK (num_nonnulls("platform_tokens"."owner_user_id", "platform_tokens"."owner_service_user_id") = 1),
	CONSTRAINT "platform_tokens_scopes_nonempty" CHECK (cardinality("platform_tokens"."scopes") >= 1),
	CONSTRAINT "platform_tokens_public_id_format" CHECK ("platform_tokens"."public_id" ~ '^[A-Z0-9]{24}$')
);
--> statement-breakpoint
CREATE TABLE "policies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" text NOT NULL,
	"name" varchar(255) NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"statements" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "policy_binding_environments" (
	"binding_id" uuid NOT NULL,
	"environment_id" text NOT NULL,
	CONSTRAINT "policy_binding_environments_binding_id_environment_id_pk" PRIMARY KEY("binding_id","environment_id")
);
--> statement-breakpoint
CREATE TABLE "policy_bindings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"group_id" uuid NOT NULL,
	"policy_id" uuid NOT NULL,
	"account_wide" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "service_users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" text NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "service_users_email_lowercase" CHECK ("service_users"."email" = lower("service_users"."email"))
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"password_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_email_lowercase" CHECK ("users"."email" = lower("users"."email"))
);
--> statement-breakpoint
ALTER TABLE "account_members" ADD CONSTRAINT "account_members_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_members" ADD CONSTRAINT "account_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "environments" ADD CONSTRAINT "environments_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_members" ADD CONSTRAINT "group_members_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_members" ADD CONSTRAINT "group_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_members" ADD CONSTRAINT "group_members_service_user_id_service_users_id_fk" FOREIGN KEY ("service_user_id") REFERENCES "public"."service_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "groups" ADD CONSTRAINT "groups_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform_token_environments" ADD CONSTRAINT "platform_token_environments_token_id_platform_tokens_id_fk" FOREIGN KEY ("token_id") REFERENCES "public"."platform_tokens"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform_token_environments" ADD CONSTRAINT "platform_token_environments_environment_id_environments_id_fk" FOREIGN KEY ("environment_id") REFERENCES "public"."environments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform_tokens" ADD CONSTRAINT "platform_tokens_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform_tokens" ADD CONSTRAINT "platform_tokens_owner_user_id_users_id_fk" FOREIGN KEY ("owner_user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform_tokens" ADD CONSTRAINT "platform_tokens_owner_service_user_id_service_users_id_fk" FOREIGN KEY ("owner_service_user_id") REFERENCES "public"."service_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform_tokens" ADD CONSTRAINT "platform_tokens_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform_tokens" ADD CONSTRAINT "platform_tokens_rotated_from_id_platform_tokens_id_fk" FOREIGN KEY ("rotated_from_id") REFERENCES "public"."platform_tokens"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform_tokens" ADD CONSTRAINT "platform_tokens_rotated_to_id_platform_tokens_id_fk" FOREIGN KEY ("rotated_to_id") REFERENCES "public"."platform_tokens"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policies" ADD CONSTRAINT "policies_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_binding_environments" ADD CONSTRAINT "policy_binding_environments_binding_id_policy_bindings_id_fk" FOREIGN KEY ("binding_id") REFERENCES "public"."policy_bindings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_binding_environments" ADD CONSTRAINT "policy_binding_environments_environment_id_environments_id_fk" FOREIGN KEY ("environment_id") REFERENCES "public"."environments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_bindings" ADD CONSTRAINT "policy_bindings_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_bindings" ADD CONSTRAINT "policy_bindings_policy_id_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."policies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_users" ADD CONSTRAINT "service_users_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "account_members_user_idx" ON "account_members" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "audit_events_account_created_idx" ON "audit_events" USING btree ("account_id","created_at" DESC NULLS LAST,"id");--> statement-breakpoint
CREATE INDEX "audit_events_account_action_idx" ON "audit_events" USING btree ("account_id","action","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_events_token_idx" ON "audit_events" USING btree ("token_id");--> statement-breakpoint
CREATE INDEX "audit_events_actor_idx" ON "audit_events" USING btree ("account_id","actor_email");--> statement-breakpoint
CREATE INDEX "environments_account_idx" ON "environments" USING btree ("account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "group_members_user_key" ON "group_members" USING btree ("group_id","user_id") WHERE "group_members"."user_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "group_members_service_user_key" ON "group_members" USING btree ("group_id","service_user_id") WHERE "group_members"."service_user_id" is not null;--> statement-breakpoint
CREATE INDEX "group_members_user_idx" ON "group_members" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "group_members_service_user_idx" ON "group_members" USING btree ("service_user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "groups_account_name_key" ON "groups" USING btree ("account_id","name");--> statement-breakpoint
CREATE INDEX "platform_token_environments_env_idx" ON "platform_token_environments" USING btree ("environment_id");--> statement-breakpoint
CREATE UNIQUE INDEX "platform_tokens_public_id_key" ON "platform_tokens" USING btree ("public_id");--> statement-breakpoint
CREATE INDEX "platform_tokens_account_created_idx" ON "platform_tokens" USING btree ("account_id","created_at" DESC NULLS LAST,"id");--> statement-breakpoint
CREATE INDEX "platform_tokens_creator_idx" ON "platform_tokens" USING btree ("created_by_id","account_id");--> statement-breakpoint
CREATE INDEX "platform_tokens_owner_user_idx" ON "platform_tokens" USING btree ("owner_user_id");--> statement-breakpoint
CREATE INDEX "platform_tokens_owner_service_user_idx" ON "platform_tokens" USING btree ("owner_service_user_id");--> statement-breakpoint
CREATE INDEX "platform_tokens_rotated_from_idx" ON "platform_tokens" USING btree ("rotated_from_id");--> statement-breakpoint
CREATE INDEX "platform_tokens_rotated_to_idx" ON "platform_tokens" USING btree ("rotated_to_id");--> statement-breakpoint
CREATE UNIQUE INDEX "policies_account_name_key" ON "policies" USING btree ("account_id","name");--> statement-breakpoint
CREATE INDEX "policy_binding_environments_env_idx" ON "policy_binding_environments" USING btree ("environment_id");--> statement-breakpoint
CREATE UNIQUE INDEX "policy_bindings_group_policy_key" ON "policy_bindings" USING btree ("group_id","policy_id");--> statement-breakpoint
CREATE INDEX "policy_bindings_policy_idx" ON "policy_bindings" USING btree ("policy_id");--> statement-breakpoint
CREATE UNIQUE INDEX "service_users_account_email_key" ON "service_users" USING btree ("account_id","email");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_key" ON "users" USING btree ("email");