DROP INDEX "platform_tokens_account_expires_idx";--> statement-breakpoint
CREATE INDEX "platform_tokens_account_expiry_idx" ON "platform_tokens" USING btree ("account_id",coalesce("expires_at", 'infinity'::timestamptz),"id");--> statement-breakpoint
CREATE INDEX "users_email_prefix_idx" ON "users" USING btree ("email" text_pattern_ops);