ALTER TABLE "users" ADD COLUMN "password_unproven" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- People who chose their password with an invitation link before this: the person and the
-- invitation's acceptance are written in one transaction, so they share its time.
UPDATE "users" u SET "password_unproven" = true
WHERE u."password_hash" IS NOT NULL
  AND EXISTS (SELECT 1 FROM "invitations" i WHERE i."accepted_by_id" = u."id" AND i."accepted_at" = u."created_at");
