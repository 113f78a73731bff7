CREATE TABLE "token_expiry_reminders" (
	"token_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	CONSTRAINT "token_expiry_reminders_token_id_kind_expires_at_pk" PRIMARY KEY("token_id","kind","expires_at"),
	CONSTRAINT "token_expiry_reminders_kind" CHECK ("token_expiry_reminders"."kind" in ('7d', '1d'))
);
--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "max_token_lifetime_days" integer;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "disable_unused_tokens_days" integer;--> statement-breakpoint
ALTER TABLE "platform_tokens" ADD COLUMN "allowed_client_addresses" text[];--> statement-breakpoint
ALTER TABLE "token_expiry_reminders" ADD CONSTRAINT "token_expiry_reminders_token_id_platform_tokens_id_fk" FOREIGN KEY ("token_id") REFERENCES "public"."platform_tokens"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "platform_tokens_expiry_idx" ON "platform_tokens" USING btree ("expires_at") WHERE "platform_tokens"."expires_at" is not null;--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_max_token_lifetime_days_range" CHECK ("accounts"."max_token_lifetime_days" between 1 and 36500);--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_disable_unused_tokens_days_range" CHECK ("accounts"."disable_unused_tokens_days" between 1 and 36500);