CREATE TABLE "rebuttal"."activity_kinds" (
	"kind" text PRIMARY KEY NOT NULL,
	"label_one" text NOT NULL,
	"label_many" text NOT NULL,
	"counts_as_use" boolean NOT NULL
);
--> statement-breakpoint
ALTER TABLE "rebuttal"."evidence" ADD COLUMN "trace" jsonb;