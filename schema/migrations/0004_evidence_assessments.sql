CREATE TABLE "rebuttal"."assessments" (
	"dispute_id" text PRIMARY KEY NOT NULL,
	"playbook" text NOT NULL,
	"strength" text NOT NULL,
	"too_weak" boolean DEFAULT false NOT NULL,
	"weak_reason" text,
	"key_facts" jsonb,
	"ce3" jsonb,
	"compliance" text,
	"skip_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rebuttal"."early_fraud_warnings" (
	"id" text PRIMARY KEY NOT NULL,
	"stripe_account" text,
	"charge_id" text NOT NULL,
	"actionable" boolean NOT NULL,
	"fraud_type" text NOT NULL,
	"amount" bigint,
	"currency" text,
	"action" text NOT NULL,
	"action_reason" text,
	"refund_id" text,
	"warning_created_at" timestamp with time zone,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "early_fraud_warnings_charge_idx" ON "rebuttal"."early_fraud_warnings" USING btree ("charge_id");