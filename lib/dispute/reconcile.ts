import type Stripe from "stripe";
import type { Stage } from "../../schema";
import { reason, type StageReason } from "./reasons";
import { isAppealStatus, isOpenStatus, UNDER_REVIEW_STATUSES } from "./statuses";
import { canLeave, type ReasonOf } from "./transitions";

export type Verdict =
	| { action: "assemble" }
	| { action: "close"; stage: "won" | "lost"; outcome: "won" | "lost" }
	| { action: "mark_submitted"; reason: StageReason<ReasonOf<"mark_submitted">> }
	| { action: "skip"; reason: StageReason<ReasonOf<"skip">> }
	| { action: "resume_submit" }
	/** Stripe offers an appeal, or reviews one (lib/appeals/appeal.ts answers it). */
	| { action: "appeal" }
	| { action: "none" };

/**
 * Decides what an event means for a dispute, from the dispute as Stripe reports it now (never from the event's
 * own copy, which may be stale or arrive out of order) and the stage rebuttal has reached.
 */
export function reconcile(dispute: Stripe.Dispute, stage: Stage, now: Date): Verdict {
	const closed = closedOutcome(dispute);
	if (closed) return { action: "close", stage: closed, outcome: closed };
	if (isAppealStatus(dispute.status)) return { action: "appeal" };
	if (dispute.status === "warning_closed") {
		return stage === "skipped" ? { action: "none" } : { action: "skip", reason: reason("inquiry_closed") };
	}
	if (UNDER_REVIEW_STATUSES.includes(dispute.status)) {
		if (stage === "submitting") return { action: "mark_submitted", reason: reason("stripe_reports_submitted") };
		if (!canLeave("skip", stage)) return { action: "none" };
		return { action: "skip", reason: stripeHandlesEvidence(dispute) ?? reason("submitted_elsewhere") };
	}
	if (!isOpenStatus(dispute.status)) {
		return stage === "skipped"
			? { action: "none" }
			: { action: "skip", reason: reason("status_not_open", dispute.status) };
	}
	const automated = stripeHandlesEvidence(dispute);
	if (automated) return canLeave("skip", stage) ? { action: "skip", reason: automated } : { action: "none" };
	// Past a skip's reach the pipeline has handed the dispute on; one awaiting review is the operator's to move.
	if (!canLeave("skip", stage) || stage === "awaiting_review") return { action: "none" };
	const window = responseWindowProblem(dispute, now);
	if (window) return { action: "skip", reason: window };
	if (stage === "failed") return { action: "none" };
	// Evidence is staged but the pass that staged it may have stopped before handing it to submit.
	if (stage === "staged") return { action: "resume_submit" };
	return { action: "assemble" };
}

/** Why a dispute cannot take evidence any more, or null when it can. */
export function responseWindowProblem(
	dispute: Stripe.Dispute,
	now: Date,
): StageReason<"no_due_by" | "past_due" | "already_submitted"> | null {
	const dueBy = dispute.evidence_details?.due_by ?? 0;
	if (!dueBy) return reason("no_due_by");
	if (dueBy * 1000 <= now.getTime()) return reason("past_due", new Date(dueBy * 1000));
	if ((dispute.evidence_details?.submission_count ?? 0) > 0) return reason("already_submitted");
	return null;
}

/** `won` or `lost` once Stripe has decided the dispute, otherwise null. */
export function closedOutcome(dispute: Stripe.Dispute): "won" | "lost" | null {
	const status: string = dispute.status;
	return status === "won" || status === "lost" ? status : null;
}

/**
 * Why Stripe's own automation (Smart Disputes) answers this dispute, or null. rebuttal never submits over it:
 * `evidence_details.submission_method` says Smart Disputes already submitted, and `intended_submission_method`
 * `smart_disputes` / `prefer_smart_disputes` says the merchant left the response to it.
 */
export function stripeHandlesEvidence(
	dispute: Stripe.Dispute,
): StageReason<"smart_disputes_submitted" | "smart_disputes_intended"> | null {
	const method: string | undefined = dispute.evidence_details?.submission_method;
	if (method === "smart_disputes") return reason("smart_disputes_submitted");
	const intended: string | null | undefined = dispute.intended_submission_method;
	if (intended === "smart_disputes" || intended === "prefer_smart_disputes") {
		return reason("smart_disputes_intended", intended);
	}
	return null;
}
