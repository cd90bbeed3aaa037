import { and, asc, gte, inArray, lt, or, sql } from "drizzle-orm";
import { disputes, type Stage } from "../../schema";
import type { Db } from "../db/client";
import { presentDispute } from "./queries";

/** Why a dispute is on the landing page, most urgent first, and the action the operator takes there. */
export type AttentionKind = "failed" | "awaiting_review" | "deadline" | "appeal";

const ACTION: Record<AttentionKind, { action: string | null; label: string; why: string }> = {
	failed: { action: "retry", label: "Retry", why: "failed: it needs a retry, or a look at the error" },
	awaiting_review: { action: "approve", label: "Approve and submit", why: "awaiting review: approve it or accept it" },
	deadline: { action: null, label: "Open", why: "due within 48 hours and not submitted yet" },
	appeal: {
		action: "appeal",
		label: "File appeal",
		why: "an appeal: the issuer decided, the merchant may answer once more",
	},
};

/** Stages in which nothing has gone to Stripe yet, so a close deadline needs watching. */
const UNSUBMITTED: Stage[] = ["received", "assembling", "staged", "awaiting_review", "failed"];
/** An appeal waiting for a person (its filing fee, or no evidence to appeal with). */
const APPEAL_STAGES: readonly string[] = ["appealing"];

/**
 * What needs a person, for the top of the landing page: failed disputes, disputes awaiting review, deadlines within
 * 48 hours with nothing submitted, appeals. One SQL query, bounded; a dispute appears once, under its most urgent
 * kind, soonest deadline first.
 */
export async function needsAPerson(db: Db, limit = 50) {
	const dueSoon = and(
		inArray(disputes.stage, UNSUBMITTED),
		gte(disputes.dueBy, sql`now()`),
		lt(disputes.dueBy, sql`now() + interval '48 hours'`),
	);
	const stageList = ["failed", "awaiting_review", ...APPEAL_STAGES] as Stage[];
	const rows = await db
		.select()
		.from(disputes)
		.where(or(inArray(disputes.stage, stageList), dueSoon))
		.orderBy(sql`${disputes.dueBy} asc nulls last`, asc(disputes.id))
		.limit(limit);
	const now = Date.now();
	return rows.map((row) => {
		const kind: AttentionKind =
			row.stage === "failed"
				? "failed"
				: row.stage === "awaiting_review"
					? "awaiting_review"
					: APPEAL_STAGES.includes(row.stage)
						? "appeal"
						: "deadline";
		const due = row.dueBy ? row.dueBy.getTime() - now : null;
		return {
			kind,
			...ACTION[kind],
			urgent: due !== null && due < 48 * 3_600_000,
			dispute: presentDispute(row),
		};
	});
}
