ALTER TABLE "rebuttal"."evidence" ADD COLUMN "writer_fallback_reason" text;--> statement-breakpoint
ALTER TABLE "rebuttal"."evidence" ADD COLUMN "writer_model" text;--> statement-breakpoint
ALTER TABLE "rebuttal"."evidence" ADD COLUMN "writer_usage" jsonb;