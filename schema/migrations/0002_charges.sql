CREATE TABLE "rebuttal"."charges" (
	"id" text PRIMARY KEY NOT NULL,
	"stripe_account" text,
	"created_at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "charges_created_at_idx" ON "rebuttal"."charges" USING btree ("created_at");