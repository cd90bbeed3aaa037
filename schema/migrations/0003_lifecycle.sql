CREATE TABLE "rebuttal"."backfill_claims" (
	"dispute_id" text PRIMARY KEY NOT NULL,
	"stripe_account" text,
	"enqueued_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rebuttal"."backfill_cursors" (
	"stripe_account" text PRIMARY KEY NOT NULL,
	"starting_after" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rebuttal"."funds_movements" (
	"id" text PRIMARY KEY NOT NULL,
	"dispute_id" text NOT NULL,
	"stripe_account" text,
	"amount" bigint NOT NULL,
	"fee" bigint NOT NULL,
	"net" bigint NOT NULL,
	"currency" text NOT NULL,
	"category" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rebuttal"."notifications" (
	"dispute_id" text NOT NULL,
	"kind" text NOT NULL,
	"enqueued_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notifications_dispute_id_kind_pk" PRIMARY KEY("dispute_id","kind")
);
--> statement-breakpoint
CREATE INDEX "funds_movements_dispute_idx" ON "rebuttal"."funds_movements" USING btree ("dispute_id");