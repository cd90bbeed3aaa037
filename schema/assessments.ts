import { boolean, jsonb, text, timestamp } from "drizzle-orm/pg-core";
import { rebuttal } from "./namespace";

/**
 * How rebuttal judged a dispute when it assembled evidence: the reason playbook it used, how strong the case is
 * (and why it is too weak to fight, when it is), the Visa Compelling Evidence 3.0 result (qualified with its
 * enhanced evidence, or the requirement that failed), and the submission policy that follows from them.
 * One row per dispute, replaced by each assembly pass.
 */
export const assessments = rebuttal.table("assessments", {
	disputeId: text("dispute_id").primaryKey(),
	playbook: text("playbook").notNull(),
	/** `strong`, `moderate` or `weak`. */
	strength: text("strength").$type<"strong" | "moderate" | "weak">().notNull(),
	tooWeak: boolean("too_weak").notNull().default(false),
	/** Why the case is too weak to fight, or null. */
	weakReason: text("weak_reason"),
	/** Key facts the argument rests on that were present, and those that were missing. */
	keyFacts: jsonb("key_facts").$type<{ present: string[]; missing: string[] }>(),
	/** Visa CE 3.0: `{status, qualified, failed, evidence}`; null when the program does not apply. */
	ce3: jsonb("ce3"),
	/** `visa_compliance` / `mastercard_compliance` when the dispute is a compliance case, else null. */
	compliance: text("compliance"),
	/** Facts that argue for the cardholder, withheld from the evidence: `[{code, detail}]`. */
	redFlags: jsonb("red_flags").$type<{ code: string; detail: string }[]>(),
	/** Evidence that was not there and would have helped (e.g. a published cancellation policy), one line each. */
	wouldHelp: jsonb("would_help").$type<string[]>(),
	/** Why rebuttal will not answer at all (e.g. a Klarna inquiry), or null. */
	skipReason: text("skip_reason"),
	createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
	updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
