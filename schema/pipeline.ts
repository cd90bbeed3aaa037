import { sql } from "drizzle-orm";
import { bigint, boolean, check, index, integer, jsonb, text, timestamp } from "drizzle-orm/pg-core";
import { rebuttal } from "./namespace";

/**
 * Pipeline stages, exactly as the public contract names them. The moves between them, and every set of stages
 * the code asks about, are in lib/dispute/transitions.ts: a new stage is added here and there. The appeal stages
 * are the ones the contract allows besides.
 */
export const STAGES = [
	"received",
	"assembling",
	"staged",
	"awaiting_review",
	"submitting",
	"submitted",
	"won",
	"lost",
	"skipped",
	"failed",
	/** The issuer decided against the merchant and Stripe offers an appeal (`appeal_needs_response`). */
	"appealing",
	/** The appeal went to Stripe (`appeal_under_review`). */
	"appeal_submitted",
] as const;
export type Stage = (typeof STAGES)[number];

const stageList = sql.raw(STAGES.map((s) => `'${s}'`).join(", "));

/** Every Stripe event id ever accepted: the unique key that makes a redelivery harmless. */
export const events = rebuttal.table("events", {
	id: text("id").primaryKey(),
	type: text("type").notNull(),
	objectId: text("object_id").notNull(),
	stripeAccount: text("stripe_account"),
	receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
	/** A pass holds the event until this time; a redelivery after it finishes a pass that was cut short. */
	claimedUntil: timestamp("claimed_until", { withTimezone: true }),
	processedAt: timestamp("processed_at", { withTimezone: true }),
});

export const disputes = rebuttal.table(
	"disputes",
	{
		id: text("id").primaryKey(),
		stripeAccount: text("stripe_account"),
		chargeId: text("charge_id"),
		paymentIntentId: text("payment_intent_id"),
		accountId: text("account_id"),
		accountMatch: text("account_match"),
		amount: integer("amount").notNull(),
		currency: text("currency").notNull(),
		reason: text("reason").notNull(),
		networkReasonCode: text("network_reason_code"),
		status: text("status").notNull(),
		stage: text("stage").$type<Stage>().notNull().default("received"),
		/** Why the dispute is at its stage, in words for the API and dashboard; the code below says it for programs. */
		stageReason: text("stage_reason"),
		/** The code of `stage_reason` (lib/dispute/reasons.ts), or null. */
		stageReasonCode: text("stage_reason_code"),
		failedStage: text("failed_stage").$type<"assemble" | "submit">(),
		lastError: text("last_error"),
		dueBy: timestamp("due_by", { withTimezone: true }),
		submittedAt: timestamp("submitted_at", { withTimezone: true }),
		outcome: text("outcome").$type<"won" | "lost">(),
		closedAt: timestamp("closed_at", { withTimezone: true }),
		createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
	},
	(t) => [
		check("disputes_stage_check", sql`${t.stage} in (${stageList})`),
		index("disputes_stage_idx").on(t.stage),
		index("disputes_due_by_idx").on(t.dueBy),
	],
);

/** Append-only log of every attempt at every stage, with its error when it failed. */
export const attempts = rebuttal.table(
	"attempts",
	{
		id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
		disputeId: text("dispute_id"),
		eventId: text("event_id"),
		stage: text("stage").notNull(),
		outcome: text("outcome").$type<"ok" | "retry" | "failed" | "skipped" | "duplicate">().notNull(),
		retryable: boolean("retryable"),
		error: text("error"),
		detail: jsonb("detail"),
		deliveryAttempt: integer("delivery_attempt"),
		actor: text("actor").notNull().default("system"),
		createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
	},
	(t) => [index("attempts_dispute_idx").on(t.disputeId, t.id)],
);

/** The staged evidence of a dispute: what was uploaded and what will be (or was) submitted. */
export const evidence = rebuttal.table("evidence", {
	disputeId: text("dispute_id")
		.primaryKey()
		.references(() => disputes.id),
	fields: jsonb("fields").$type<Record<string, string>>().notNull(),
	facts: jsonb("facts").notNull(),
	narrative: text("narrative").notNull(),
	writer: text("writer").notNull(),
	/** Why the template answered although Claude was configured (`<code>: <detail>`), or null. */
	writerFallbackReason: text("writer_fallback_reason"),
	/** The model asked, and the tokens and cost of every billed call. */
	writerModel: text("writer_model"),
	writerUsage: jsonb("writer_usage"),
	playbook: text("playbook").notNull(),
	/**
	 * Traceability kept out of the submitted evidence: each letter point and paragraph with the fact ids it rests
	 * on, the exhibits, and the verifier's findings on the model's last answer (see `EvidenceTrace`).
	 */
	trace: jsonb("trace"),
	fileId: text("file_id").notNull(),
	pdfKey: text("pdf_key").notNull(),
	pdfSha256: text("pdf_sha256").notNull(),
	pdfBytes: integer("pdf_bytes").notNull(),
	pdfPages: integer("pdf_pages").notNull(),
	createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
	updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
