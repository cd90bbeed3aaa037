CREATE TABLE "rebuttal"."policies" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"version" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"url" text,
	"effective_at" timestamp with time zone NOT NULL,
	"disclosure" text
);
--> statement-breakpoint
ALTER TABLE "rebuttal"."assessments" ADD COLUMN "red_flags" jsonb;--> statement-breakpoint
ALTER TABLE "rebuttal"."assessments" ADD COLUMN "would_help" jsonb;--> statement-breakpoint
ALTER TABLE "rebuttal"."evidence" ADD COLUMN "documents" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "rebuttal"."evidence" ADD COLUMN "dropped_documents" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
CREATE INDEX "policies_kind_effective_idx" ON "rebuttal"."policies" USING btree ("kind","effective_at");