import type Stripe from "stripe";
import { acceptByPerson, acceptDispute, fightOrAccept } from "../decide/pipeline";
import { move } from "../dispute/move";
import { reason } from "../dispute/reasons";
import { closedOutcome, responseWindowProblem, stripeHandlesEvidence } from "../dispute/reconcile";
import { isOpenStatus } from "../dispute/statuses";
import { getDispute, getEvidence, recordAttempt } from "../dispute/store";
import { FINAL_STAGES } from "../dispute/transitions";
import { PermanentError } from "../errors";
import { getAssessment, isPersonApproval, submissionPolicy } from "../evidence/assess";
import type { SubmitMessage } from "../messages";
import { recordOutcome } from "../outcomes/record";
import { onBehalfOf } from "../stripe/client";
import { stripeCall } from "../stripe/errors";
import type { PipelineDeps } from "./deps";

/**
 * Sends the staged evidence to Stripe. Submission is final, so every path to Stripe's `submit: true` goes
 * through one atomic stage transition and one deterministic idempotency key per dispute and evidence version.
 */
export async function handleSubmitMessage(deps: PipelineDeps, message: SubmitMessage, delivery: number) {
	const { db, stripe } = deps;
	const { disputeId } = message;
	const options = onBehalfOf(message.stripeAccount);
	const attempt = {
		disputeId,
		stage: "submit",
		deliveryAttempt: delivery,
		actor: message.approvedBy ?? "system",
	};

	const row = await getDispute(db, disputeId);
	if (!row) throw new PermanentError("dispute_unknown", `no dispute ${disputeId} has been assembled`);
	if (FINAL_STAGES.includes(row.stage)) {
		await recordAttempt(db, { ...attempt, outcome: "duplicate", detail: { stage: row.stage } });
		return;
	}

	const dispute = await stripeCall("retrieve dispute", () => stripe.disputes.retrieve(disputeId, {}, options));
	const alreadySubmitted = (dispute.evidence_details?.submission_count ?? 0) > 0;
	if (alreadySubmitted || !isOpenStatus(dispute.status)) {
		await settleClosedOrSubmitted(deps, dispute, row.stage, attempt, message.stripeAccount);
		return;
	}
	const windowProblem = responseWindowProblem(dispute, deps.now()) ?? stripeHandlesEvidence(dispute);
	if (windowProblem) {
		await move(deps, disputeId, "withdraw", { reason: windowProblem });
		await recordAttempt(db, { ...attempt, outcome: "skipped", detail: { reason: windowProblem.message } });
		return;
	}

	if (message.accept && isPersonApproval(message.approvedBy)) {
		await acceptByPerson(deps, row, options, attempt);
		return;
	}

	const evidence = await getEvidence(db, disputeId);
	if (!evidence) throw new PermanentError("evidence_missing", `dispute ${disputeId} has no staged evidence`);
	// The assessment decides: skip (Klarna), accept (too weak, opt-in), or answer, with CE 3.0 when qualified;
	// compliance cases always wait for an operator.
	const assessment = await getAssessment(db, disputeId);
	const policy = submissionPolicy(assessment, {
		acceptWeak: deps.config.DISPUTE_ACCEPT_WEAK,
		autoMode: deps.config.SUBMIT_MODE !== "review",
		approvedBy: message.approvedBy,
	});
	if (policy.action === "skip") {
		await move(deps, disputeId, "skip", { reason: reason("evidence_ignored", policy.reason) });
		await recordAttempt(db, { ...attempt, outcome: "skipped", detail: { reason: policy.reason } });
		return;
	}
	if (policy.action === "accept") {
		await acceptDispute(stripe, disputeId, options);
		await move(deps, disputeId, "accept", { reason: reason("accepted_weak", policy.reason) });
		await recordAttempt(db, { ...attempt, outcome: "skipped", detail: { accepted: true, reason: policy.reason } });
		return;
	}
	if (message.approvedBy && !isPersonApproval(message.approvedBy) && policy.reviewReason) {
		// Only a person may approve what needs review for a reason of its own (a compliance case's network fee).
		await recordAttempt(db, {
			...attempt,
			outcome: "skipped",
			detail: { reason: `not submitted automatically: ${policy.reviewReason}` },
		});
		return;
	}
	// Fight or accept (FIGHT_POLICY): decided and recorded with its numbers unless a person already chose to fight.
	let askReason: string | null = null;
	if (!message.approvedBy && !policy.reviewReason) {
		const decision = await fightOrAccept(deps, row, assessment?.strength ?? null);
		if (decision.action === "accept") {
			await acceptDispute(stripe, disputeId, options);
			await move(deps, disputeId, "accept", { reason: reason("accepted_uneconomic", decision.reason) });
			await recordAttempt(db, { ...attempt, outcome: "skipped", detail: { accepted: true, reason: decision.reason } });
			return;
		}
		if (decision.action === "ask") askReason = decision.reason;
	}
	const payload = policy.enhanced ? { ...evidence.fields, enhanced_evidence: policy.enhanced } : evidence.fields;
	const version = await shortHash(JSON.stringify(payload));

	if (!message.approvedBy && (deps.config.SUBMIT_MODE === "review" || policy.reviewReason)) {
		if (row.stage === "awaiting_review") {
			await recordAttempt(db, { ...attempt, outcome: "duplicate", detail: { stage: row.stage } });
			return;
		}
		await stripeCall("stage evidence", () =>
			stripe.disputes.update(
				disputeId,
				{ evidence: payload, submit: false },
				{ ...options, idempotencyKey: `rebuttal-stage-${disputeId}-${version}` },
			),
		);
		await move(deps, disputeId, "await_review", {
			reason: policy.reviewReason
				? reason("compliance_review", policy.reviewReason)
				: askReason
					? reason("accept_recommended", askReason)
					: reason("awaiting_approval"),
		});
		await recordAttempt(db, { ...attempt, outcome: "ok", detail: { staged: true, mode: "review" } });
		return;
	}

	const claimed = await move(deps, disputeId, message.approvedBy ? "claim_approved" : "claim_submit", { reason: null });
	if (!claimed) {
		// Another delivery (or another approval click) got there first, or the dispute moved on: nothing to do.
		const current = await getDispute(db, disputeId);
		await recordAttempt(db, { ...attempt, outcome: "duplicate", detail: { stage: current?.stage ?? row.stage } });
		return;
	}

	try {
		await stripeCall("submit evidence", () =>
			stripe.disputes.update(
				disputeId,
				{ evidence: payload, submit: true },
				{ ...options, idempotencyKey: `rebuttal-submit-${disputeId}-${version}` },
			),
		);
	} catch (error) {
		// Stripe refuses a second submission; if one already went through, that is success, not failure.
		if (error instanceof PermanentError) {
			const current = await stripeCall("retrieve dispute", () => stripe.disputes.retrieve(disputeId, {}, options));
			if ((current.evidence_details?.submission_count ?? 0) > 0) {
				await settleClosedOrSubmitted(deps, current, "submitting", attempt, message.stripeAccount);
				return;
			}
		}
		throw error;
	}
	await move(deps, disputeId, "mark_submitted", { submittedAt: deps.now(), failedStage: null, lastError: null });
	await recordAttempt(db, { ...attempt, outcome: "ok", detail: { submitted: true, fileId: evidence.fileId } });
}

async function settleClosedOrSubmitted(
	deps: PipelineDeps,
	dispute: Stripe.Dispute,
	stage: string,
	attempt: { disputeId: string; stage: string; deliveryAttempt: number; actor: string },
	stripeAccount: string | null,
) {
	const closed = closedOutcome(dispute);
	const submitted = (dispute.evidence_details?.submission_count ?? 0) > 0;
	if (closed) {
		await move(deps, dispute.id, "close", { to: closed, outcome: closed, closedAt: deps.now() });
		await recordOutcome(deps.db, dispute, stripeAccount, "pipeline");
	} else if (stage === "submitting" && submitted) {
		await move(deps, dispute.id, "mark_submitted", { submittedAt: deps.now() });
	} else {
		const why = submitted ? reason("submitted_elsewhere") : reason("status_not_open", dispute.status);
		await move(deps, dispute.id, "withdraw", { reason: why });
	}
	await recordAttempt(deps.db, { ...attempt, outcome: "skipped", detail: { status: dispute.status } });
}

async function shortHash(text: string): Promise<string> {
	const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
	return [...new Uint8Array(digest).slice(0, 12)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
