-- A token's status is in no index, and each page keeps 15% free, so that changing the status (one
-- token or 100,000 in one bulk statement) is a HOT update: the row is rewritten on its own page and
-- none of the table's fourteen indexes gets an entry. Pages written before this keep no room until
-- their rows move (VACUUM FULL platform_tokens rewrites them all at once).
DROP INDEX "platform_tokens_account_status_created_idx";--> statement-breakpoint
ALTER TABLE "platform_tokens" SET (fillfactor = 85);
