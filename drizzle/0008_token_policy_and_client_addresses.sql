ALTER TABLE "accounts" ADD COLUMN "max_token_lifetime_days" integer;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "disable_unused_tokens_days" integer;--> statement-breakpoint
ALTER TABLE "platform_tokens" ADD COLUMN "allowed_client_addresses" text[];--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_max_token_lifetime_days_range" CHECK ("accounts"."max_token_lifetime_days" between 1 and 36500);--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_disable_unused_tokens_days_range" CHECK ("accounts"."disable_unused_tokens_days" between 1 and 36500);