CREATE TYPE "public"."email_status" AS ENUM('stored', 'sending', 'sent', 'failed');--> statement-breakpoint
CREATE TYPE "public"."execution_state" AS ENUM('success', 'error');--> statement-breakpoint
CREATE TYPE "public"."notification_severity" AS ENUM('info', 'warning', 'error');--> statement-breakpoint
CREATE TYPE "public"."storage_table" AS ENUM('events', 'bizevents', 'logs');--> statement-breakpoint
CREATE TABLE "email_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"environment_id" text NOT NULL,
	"owner_user_id" uuid,
	"owner_service_user_id" uuid,
	"token_id" varchar(31) NOT NULL,
	"to" text[] NOT NULL,
	"cc" text[] DEFAULT '{}'::text[] NOT NULL,
	"bcc" text[] DEFAULT '{}'::text[] NOT NULL,
	"subject" varchar(998) NOT NULL,
	"body" text NOT NULL,
	"content_type" varchar(20) NOT NULL,
	"status" "email_status" NOT NULL,
	"error" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp (3) with time zone,
	CONSTRAINT "email_messages_one_owner" CHECK (num_nonnulls("email_messages"."owner_user_id", "email_messages"."owner_service_user_id") = 1)
);
--> statement-breakpoint
CREATE TABLE "installed_apps" (
	"environment_id" text NOT NULL,
	"app_id" varchar(200) NOT NULL,
	"version" varchar(50) NOT NULL,
	"owner_user_id" uuid,
	"owner_service_user_id" uuid,
	"installed_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "installed_apps_environment_id_app_id_pk" PRIMARY KEY("environment_id","app_id")
);
--> statement-breakpoint
CREATE TABLE "self_notifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"environment_id" text NOT NULL,
	"owner_user_id" uuid,
	"owner_service_user_id" uuid,
	"title" varchar(200) NOT NULL,
	"message" text NOT NULL,
	"severity" "notification_severity" DEFAULT 'info' NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "self_notifications_one_owner" CHECK (num_nonnulls("self_notifications"."owner_user_id", "self_notifications"."owner_service_user_id") = 1)
);
--> statement-breakpoint
CREATE TABLE "settings_objects" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"environment_id" text NOT NULL,
	"app_id" varchar(200),
	"schema_id" varchar(200) NOT NULL,
	"value" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"owner_user_id" uuid,
	"owner_service_user_id" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "settings_objects_at_most_one_owner" CHECK (num_nonnulls("settings_objects"."owner_user_id", "settings_objects"."owner_service_user_id") <= 1)
);
--> statement-breakpoint
CREATE TABLE "storage_records" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"environment_id" text NOT NULL,
	"table" "storage_table" NOT NULL,
	"timestamp" timestamp (3) with time zone NOT NULL,
	"record" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workflow_executions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workflow_id" uuid NOT NULL,
	"environment_id" text NOT NULL,
	"state" "execution_state" NOT NULL,
	"input" jsonb NOT NULL,
	"tasks" jsonb NOT NULL,
	"token_id" varchar(31) NOT NULL,
	"owner_user_id" uuid,
	"owner_service_user_id" uuid,
	"started_at" timestamp (3) with time zone NOT NULL,
	"ended_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workflows" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"environment_id" text NOT NULL,
	"title" varchar(200) NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"tasks" jsonb NOT NULL,
	"owner_user_id" uuid,
	"owner_service_user_id" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workflows_at_most_one_owner" CHECK (num_nonnulls("workflows"."owner_user_id", "workflows"."owner_service_user_id") <= 1)
);
--> statement-breakpoint
ALTER TABLE "email_messages" ADD CONSTRAINT "email_messages_environment_id_environments_id_fk" FOREIGN KEY ("environment_id") REFERENCES "public"."environments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_messages" ADD CONSTRAINT "email_messages_owner_user_id_users_id_fk" FOREIGN KEY ("owner_user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_messages" ADD CONSTRAINT "email_messages_owner_service_user_id_service_users_id_fk" FOREIGN KEY ("owner_service_user_id") REFERENCES "public"."service_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "installed_apps" ADD CONSTRAINT "installed_apps_environment_id_environments_id_fk" FOREIGN KEY ("environment_id") REFERENCES "public"."environments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "installed_apps" ADD CONSTRAINT "installed_apps_owner_user_id_users_id_fk" FOREIGN KEY ("owner_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "installed_apps" ADD CONSTRAINT "installed_apps_owner_service_user_id_service_users_id_fk" FOREIGN KEY ("owner_service_user_id") REFERENCES "public"."service_users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "self_notifications" ADD CONSTRAINT "self_notifications_environment_id_environments_id_fk" FOREIGN KEY ("environment_id") REFERENCES "public"."environments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "self_notifications" ADD CONSTRAINT "self_notifications_owner_user_id_users_id_fk" FOREIGN KEY ("owner_user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "self_notifications" ADD CONSTRAINT "self_notifications_owner_service_user_id_service_users_id_fk" FOREIGN KEY ("owner_service_user_id") REFERENCES "public"."service_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settings_objects" ADD CONSTRAINT "settings_objects_environment_id_environments_id_fk" FOREIGN KEY ("environment_id") REFERENCES "public"."environments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settings_objects" ADD CONSTRAINT "settings_objects_owner_user_id_users_id_fk" FOREIGN KEY ("owner_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settings_objects" ADD CONSTRAINT "settings_objects_owner_service_user_id_service_users_id_fk" FOREIGN KEY ("owner_service_user_id") REFERENCES "public"."service_users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "storage_records" ADD CONSTRAINT "storage_records_environment_id_environments_id_fk" FOREIGN KEY ("environment_id") REFERENCES "public"."environments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_executions" ADD CONSTRAINT "workflow_executions_workflow_id_workflows_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_executions" ADD CONSTRAINT "workflow_executions_environment_id_environments_id_fk" FOREIGN KEY ("environment_id") REFERENCES "public"."environments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_executions" ADD CONSTRAINT "workflow_executions_owner_user_id_users_id_fk" FOREIGN KEY ("owner_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_executions" ADD CONSTRAINT "workflow_executions_owner_service_user_id_service_users_id_fk" FOREIGN KEY ("owner_service_user_id") REFERENCES "public"."service_users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflows" ADD CONSTRAINT "workflows_environment_id_environments_id_fk" FOREIGN KEY ("environment_id") REFERENCES "public"."environments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflows" ADD CONSTRAINT "workflows_owner_user_id_users_id_fk" FOREIGN KEY ("owner_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflows" ADD CONSTRAINT "workflows_owner_service_user_id_service_users_id_fk" FOREIGN KEY ("owner_service_user_id") REFERENCES "public"."service_users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "email_messages_user_idx" ON "email_messages" USING btree ("owner_user_id","created_at");--> statement-breakpoint
CREATE INDEX "email_messages_service_user_idx" ON "email_messages" USING btree ("owner_service_user_id","created_at");--> statement-breakpoint
CREATE INDEX "email_messages_token_idx" ON "email_messages" USING btree ("token_id","created_at");--> statement-breakpoint
CREATE INDEX "self_notifications_user_idx" ON "self_notifications" USING btree ("environment_id","owner_user_id","created_at","id");--> statement-breakpoint
CREATE INDEX "self_notifications_service_user_idx" ON "self_notifications" USING btree ("environment_id","owner_service_user_id","created_at","id");--> statement-breakpoint
CREATE INDEX "settings_objects_env_app_created_idx" ON "settings_objects" USING btree ("environment_id","app_id","created_at","id");--> statement-breakpoint
CREATE INDEX "storage_records_env_table_time_idx" ON "storage_records" USING btree ("environment_id","table","timestamp" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "workflow_executions_workflow_started_idx" ON "workflow_executions" USING btree ("workflow_id","started_at");--> statement-breakpoint
CREATE INDEX "workflow_executions_env_idx" ON "workflow_executions" USING btree ("environment_id");--> statement-breakpoint
CREATE INDEX "workflows_env_created_idx" ON "workflows" USING btree ("environment_id","created_at","id");