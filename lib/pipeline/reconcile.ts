import type Stripe from "stripe";
import type { Stage } from "../../schema";

/** Stripe statuses in which a dispute still takes evidence. */
export const OPEN_STATUSES: readonly string[] = ["needs_response", "warning_needs_response"];
const UNDER_REVIEW: readonly string[] = ["under_review", "warning_under_review"];

export type Verdict =
	| { action: "assemble" }
	| { action: "close"; stage: "won" | "lost"; outcome: "won" | "lost" }
	| { action: "mark_submitted"; reason: string }
	| { action: "skip"; reason: string }
	| { action: "resume_submit" }
	| { action: "none" };

/** Stages after which a new event only refreshes what Stripe says; the pipeline does not act again. */
const SETTLED: readonly Stage[] = ["awaiting_review", "submitting", "submitted", "won", "lost", "skipped"];

/**
 * Decides what an event means for a dispute, from the dispute as Stripe reports it now (never from the event's
 * own copy, which may be stale or arrive out of order) and the stage rebuttal has reached.
 */
export function reconcile(dispute: Stripe.Dispute, stage: Stage, now: Date): Verdict {
	const closed = closedOutcome(dispute);
	if (closed) return { action: "close", stage: closed, outcome: closed };
	if (dispute.status === "warning_closed") {
		return stage === "skipped"
			? { action: "none" }
			: { action: "skip", reason: "the inquiry was closed without becoming a chargeback" };
	}
	if (UNDER_REVIEW.includes(dispute.status)) {
		if (stage === "submitted" || stage === "won" || stage === "lost") return { action: "none" };
		if (stage === "submitting") return { action: "mark_submitted", reason: "Stripe reports the evidence as submitted" };
		return stage === "skipped"
			? { action: "none" }
			: { action: "skip", reason: stripeHandlesEvidence(dispute) ?? "evidence was submitted outside rebuttal" };
	}
	if (!OPEN_STATUSES.includes(dispute.status)) {
		return stage === "skipped" ? { action: "none" } : { action: "skip", reason: `dispute status is ${dispute.status}` };
	}
	const automated = stripeHandlesEvidence(dispute);
	if (automated && !["submitting", "submitted", "won", "lost", "skipped"].includes(stage)) {
		return { action: "skip", reason: automated };
	}
	if (SETTLED.includes(stage)) return { action: "none" };
	const window = responseWindowProblem(dispute, now);
	if (window) return { action: "skip", reason: window };
	if (stage === "failed") return { action: "none" };
	// Evidence is staged but the pass that staged it may have stopped before handing it to submit.
	if (stage === "staged") return { action: "resume_submit" };
	return { action: "assemble" };
}

/** Why a dispute cannot take evidence any more, or null when it can. */
export function responseWindowProblem(dispute: Stripe.Dispute, now: Date): string | null {
	const dueBy = dispute.evidence_details?.due_by ?? 0;
	if (!dueBy) return "no response window: Stripe gives no due_by for this dispute";
	if (dueBy * 1000 <= now.getTime())
		return `no response window: due_by ${new Date(dueBy * 1000).toISOString()} has passed`;
	if ((dispute.evidence_details?.submission_count ?? 0) > 0) return "evidence was already submitted";
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
export function stripeHandlesEvidence(dispute: Stripe.Dispute): string | null {
	const method: string | undefined = dispute.evidence_details?.submission_method;
	if (method === "smart_disputes") return "Stripe Smart Disputes submitted this dispute's evidence; rebuttal did not";
	const intended: string | null | undefined = dispute.intended_submission_method;
	if (intended === "smart_disputes" || intended === "prefer_smart_disputes") {
		return `Stripe Smart Disputes is handling this dispute's evidence (intended_submission_method ${intended}); rebuttal will not submit over it`;
	}
	return null;
}
