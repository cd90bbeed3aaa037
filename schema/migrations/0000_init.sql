CREATE SCHEMA "rebuttal";
--> statement-breakpoint
CREATE TABLE "rebuttal"."accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"email" text,
	"name" text,
	"stripe_customer_id" text,
	"created_at" timestamp with time zone,
	"signup_ip" text,
	"signup_user_agent" text,
	"country" text,
	"email_verified_at" timestamp with time zone,
	"terms_accepted_at" timestamp with time zone,
	"terms_version" text,
	CONSTRAINT "accounts_stripe_customer_id_unique" UNIQUE("stripe_customer_id")
);
--> statement-breakpoint
CREATE TABLE "rebuttal"."activity" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "rebuttal"."activity_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"account_id" text,
	"occurred_at" timestamp with time zone,
	"kind" text,
	"ip" text,
	"user_agent" text,
	"device_id" text,
	"detail" jsonb
);
--> statement-breakpoint
CREATE TABLE "rebuttal"."artifacts" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text,
	"created_at" timestamp with time zone,
	"title" text,
	"content_type" text,
	"location" text
);
--> statement-breakpoint
CREATE TABLE "rebuttal"."attempts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "rebuttal"."attempts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"dispute_id" text,
	"event_id" text,
	"stage" text NOT NULL,
	"outcome" text NOT NULL,
	"retryable" boolean,
	"error" text,
	"detail" jsonb,
	"delivery_attempt" integer,
	"actor" text DEFAULT 'system' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rebuttal"."disputes" (
	"id" text PRIMARY KEY NOT NULL,
	"stripe_account" text,
	"charge_id" text,
	"payment_intent_id" text,
	"account_id" text,
	"account_match" text,
	"amount" integer NOT NULL,
	"currency" text NOT NULL,
	"reason" text NOT NULL,
	"network_reason_code" text,
	"status" text NOT NULL,
	"stage" text DEFAULT 'received' NOT NULL,
	"stage_reason" text,
	"failed_stage" text,
	"last_error" text,
	"due_by" timestamp with time zone,
	"submitted_at" timestamp with time zone,
	"outcome" text,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "disputes_stage_check" CHECK ("rebuttal"."disputes"."stage" in ('received', 'assembling', 'staged', 'awaiting_review', 'submitting', 'submitted', 'won', 'lost', 'skipped', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "rebuttal"."events" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"object_id" text NOT NULL,
	"stripe_account" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"claimed_until" timestamp with time zone,
	"processed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "rebuttal"."evidence" (
	"dispute_id" text PRIMARY KEY NOT NULL,
	"fields" jsonb NOT NULL,
	"facts" jsonb NOT NULL,
	"narrative" text NOT NULL,
	"writer" text NOT NULL,
	"playbook" text NOT NULL,
	"file_id" text NOT NULL,
	"pdf_key" text NOT NULL,
	"pdf_sha256" text NOT NULL,
	"pdf_bytes" integer NOT NULL,
	"pdf_pages" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "rebuttal"."activity" ADD CONSTRAINT "activity_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "rebuttal"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rebuttal"."artifacts" ADD CONSTRAINT "artifacts_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "rebuttal"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rebuttal"."evidence" ADD CONSTRAINT "evidence_dispute_id_disputes_id_fk" FOREIGN KEY ("dispute_id") REFERENCES "rebuttal"."disputes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "accounts_email_lower_idx" ON "rebuttal"."accounts" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "activity_account_occurred_idx" ON "rebuttal"."activity" USING btree ("account_id","occurred_at");--> statement-breakpoint
CREATE INDEX "attempts_dispute_idx" ON "rebuttal"."attempts" USING btree ("dispute_id","id");--> statement-breakpoint
CREATE INDEX "disputes_stage_idx" ON "rebuttal"."disputes" USING btree ("stage");--> statement-breakpoint
CREATE INDEX "disputes_due_by_idx" ON "rebuttal"."disputes" USING btree ("due_by");