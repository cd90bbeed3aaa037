import { bigint, boolean, doublePrecision, index, integer, jsonb, text, timestamp } from "drizzle-orm/pg-core";
import { rebuttal } from "./namespace";

/**
 * The fight-or-accept decision of each dispute, with every number it rested on (FIGHT_POLICY, the countered fee,
 * the merchant's record, the break-even): one row per dispute, replaced when it is decided again.
 */
export const fightDecisions = rebuttal.table("fight_decisions", {
	disputeId: text("dispute_id").primaryKey(),
	policy: text("policy").$type<"always" | "economic">().notNull(),
	/** The economics' verdict: `fight`, `accept`, or `no_verdict` (too little history, unknown fee, policy always). */
	verdict: text("verdict").$type<"fight" | "accept" | "no_verdict">().notNull(),
	/** What rebuttal did: `answer`, `accept` (closed early in Stripe) or `ask` (review mode: a person decides). */
	action: text("action").$type<"answer" | "accept" | "ask">().notNull(),
	reason: text("reason").notNull(),
	amount: bigint("amount", { mode: "number" }).notNull(),
	currency: text("currency").notNull(),
	country: text("country"),
	fee: bigint("fee", { mode: "number" }),
	wins: integer("wins"),
	decided: integer("decided"),
	basis: text("basis"),
	probability: doublePrecision("probability"),
	breakEven: doublePrecision("break_even"),
	expectedGain: doublePrecision("expected_gain"),
	decidedAt: timestamp("decided_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * How each dispute ended, as Stripe's `dispute.status` says (never an event's type), from the pipeline or the
 * history import, with what the learning groups by: reason, network, issuer country, amount, whether evidence was
 * submitted (`fought`), and the evidence fields that were present.
 */
export const disputeOutcomes = rebuttal.table(
	"dispute_outcomes",
	{
		disputeId: text("dispute_id").primaryKey(),
		stripeAccount: text("stripe_account"),
		outcome: text("outcome").$type<"won" | "lost">().notNull(),
		fought: boolean("fought").notNull(),
		source: text("source").$type<"pipeline" | "history">().notNull(),
		reason: text("reason").notNull(),
		network: text("network"),
		issuerCountry: text("issuer_country"),
		amount: bigint("amount", { mode: "number" }).notNull(),
		currency: text("currency").notNull(),
		/** Names of the evidence fields Stripe holds for the dispute that are not empty. */
		evidenceFields: jsonb("evidence_fields").$type<string[]>().notNull().default([]),
		/** Klarna's reason for a loss, when Stripe gives one. */
		lossReason: text("loss_reason"),
		disputeCreatedAt: timestamp("dispute_created_at", { withTimezone: true }).notNull(),
		recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull().defaultNow(),
	},
	(t) => [index("dispute_outcomes_reason_idx").on(t.reason, t.fought)],
);
