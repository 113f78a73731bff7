-- Substring search of the admin token list (trigram GIN indexes); PGlite loads the extension at open.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX "audit_events_token_ids_idx" ON "audit_events" USING gin (("details" -> 'tokenIds') jsonb_path_ops);--> statement-breakpoint
CREATE INDEX "platform_tokens_account_status_created_idx" ON "platform_tokens" USING btree ("account_id","status","created_at" DESC NULLS LAST,"id");--> statement-breakpoint
CREATE INDEX "platform_tokens_account_name_idx" ON "platform_tokens" USING btree ("account_id",lower("name"),"id");--> statement-breakpoint
CREATE INDEX "platform_tokens_account_public_id_idx" ON "platform_tokens" USING btree ("account_id","public_id");--> statement-breakpoint
CREATE INDEX "platform_tokens_account_expires_idx" ON "platform_tokens" USING btree ("account_id","expires_at","id");--> statement-breakpoint
CREATE INDEX "platform_tokens_account_last_used_idx" ON "platform_tokens" USING btree ("account_id","last_used_at" DESC NULLS LAST,"id");--> statement-breakpoint
CREATE INDEX "platform_tokens_name_trgm_idx" ON "platform_tokens" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "platform_tokens_public_id_trgm_idx" ON "platform_tokens" USING gin ("public_id" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "users_email_trgm_idx" ON "users" USING gin ("email" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "users_name_trgm_idx" ON "users" USING gin ("name" gin_trgm_ops);