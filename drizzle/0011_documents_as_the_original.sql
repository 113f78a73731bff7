ALTER TABLE "documents" ADD COLUMN "description" varchar(1000);--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "content_type" varchar(255) DEFAULT 'application/json' NOT NULL;--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "last_modified_by" uuid;