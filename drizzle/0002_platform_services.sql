CREATE TABLE "app_states" (
	"environment_id" text NOT NULL,
	"app_id" varchar(200) NOT NULL,
	"key" varchar(200) NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "app_states_environment_id_app_id_key_pk" PRIMARY KEY("environment_id","app_id","key")
);
--> statement-breakpoint
CREATE TABLE "documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"environment_id" text NOT NULL,
	"name" varchar(255) NOT NULL,
	"type" varchar(100) NOT NULL,
	"content" jsonb NOT NULL,
	"owner_user_id" uuid,
	"owner_service_user_id" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "documents_at_most_one_owner" CHECK (num_nonnulls("documents"."owner_user_id", "documents"."owner_service_user_id") <= 1)
);
--> statement-breakpoint
CREATE TABLE "user_app_states" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"environment_id" text NOT NULL,
	"app_id" varchar(200) NOT NULL,
	"owner_user_id" uuid,
	"owner_service_user_id" uuid,
	"key" varchar(200) NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_app_states_one_owner" CHECK (num_nonnulls("user_app_states"."owner_user_id", "user_app_states"."owner_service_user_id") = 1)
);
--> statement-breakpoint
ALTER TABLE "app_states" ADD CONSTRAINT "app_states_environment_id_environments_id_fk" FOREIGN KEY ("environment_id") REFERENCES "public"."environments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_environment_id_environments_id_fk" FOREIGN KEY ("environment_id") REFERENCES "public"."environments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_owner_user_id_users_id_fk" FOREIGN KEY ("owner_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_owner_service_user_id_service_users_id_fk" FOREIGN KEY ("owner_service_user_id") REFERENCES "public"."service_users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_app_states" ADD CONSTRAINT "user_app_states_environment_id_environments_id_fk" FOREIGN KEY ("environment_id") REFERENCES "public"."environments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_app_states" ADD CONSTRAINT "user_app_states_owner_user_id_users_id_fk" FOREIGN KEY ("owner_user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_app_states" ADD CONSTRAINT "user_app_states_owner_service_user_id_service_users_id_fk" FOREIGN KEY ("owner_service_user_id") REFERENCES "public"."service_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "documents_environment_created_idx" ON "documents" USING btree ("environment_id","created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "user_app_states_user_key" ON "user_app_states" USING btree ("environment_id","app_id","owner_user_id","key") WHERE "user_app_states"."owner_user_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "user_app_states_service_user_key" ON "user_app_states" USING btree ("environment_id","app_id","owner_service_user_id","key") WHERE "user_app_states"."owner_service_user_id" is not null;