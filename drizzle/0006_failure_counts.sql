CREATE UNLOGGED TABLE "failure_counts" (
	"scope" varchar(40) NOT NULL,
	"key" varchar(43) NOT NULL,
	"count" integer NOT NULL,
	"window_ends_at" timestamp with time zone NOT NULL,
	CONSTRAINT "failure_counts_scope_key_pk" PRIMARY KEY("scope","key")
);
