CREATE TABLE "rebuttal"."dispute_outcomes" (
	"dispute_id" text PRIMARY KEY NOT NULL,
	"stripe_account" text,
	"outcome" text NOT NULL,
	"fought" boolean NOT NULL,
	"source" text NOT NULL,
	"reason" text NOT NULL,
	"network" text,
	"issuer_country" text,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"evidence_fields" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"loss_reason" text,
	"dispute_created_at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rebuttal"."fight_decisions" (
	"dispute_id" text PRIMARY KEY NOT NULL,
	"policy" text NOT NULL,
	"verdict" text NOT NULL,
	"action" text NOT NULL,
	"reason" text NOT NULL,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"country" text,
	"fee" bigint,
	"wins" integer,
	"decided" integer,
	"basis" text,
	"probability" double precision,
	"break_even" double precision,
	"expected_gain" double precision,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "rebuttal"."disputes" DROP CONSTRAINT "disputes_stage_check";--> statement-breakpoint
CREATE INDEX "dispute_outcomes_reason_idx" ON "rebuttal"."dispute_outcomes" USING btree ("reason","fought");--> statement-breakpoint
ALTER TABLE "rebuttal"."disputes" ADD CONSTRAINT "disputes_stage_check" CHECK ("rebuttal"."disputes"."stage" in ('received', 'assembling', 'staged', 'awaiting_review', 'submitting', 'submitted', 'won', 'lost', 'skipped', 'failed', 'appealing', 'appeal_submitted'));