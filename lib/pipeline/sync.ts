import { handleAppeal } from "../appeals/appeal";
import { recordFunds } from "../dispute/funds";
import { announce, move } from "../dispute/move";
import { reconcile } from "../dispute/reconcile";
import { isOpenStatus } from "../dispute/statuses";
import { recordAttempt, upsertDispute } from "../dispute/store";
import { recordOutcome } from "../outcomes/record";
import { onBehalfOf } from "../stripe/client";
import { stripeCall } from "../stripe/errors";
import { assembleEvidence } from "./assembly";
import type { PipelineDeps } from "./deps";

/**
 * What the assembly reads of the dispute, in the one call that reads it: the charge with its customer and its
 * refunds (Stripe sends a charge's refunds only when asked; expanding them here saves listing them), and the
 * payment intent.
 */
export const DISPUTE_EXPAND = ["charge", "charge.customer", "charge.refunds", "payment_intent"];

export interface PassContext {
	eventId: string | null;
	delivery: number;
	actor: string;
}

/**
 * Re-reads the dispute from Stripe, records what it says, and acts on it: the verdict of reconcile becomes one
 * move of the stage machine, or an assembly. `new_dispute` goes out at the end of the first pass that finds it open.
 */
export async function syncDispute(
	deps: PipelineDeps,
	disputeId: string,
	stripeAccount: string | null,
	pass: PassContext,
): Promise<void> {
	const status = await syncDisputeOnce(deps, disputeId, stripeAccount, pass);
	if (isOpenStatus(status)) await announce(deps, disputeId, ["new_dispute"]);
}

async function syncDisputeOnce(
	deps: PipelineDeps,
	disputeId: string,
	stripeAccount: string | null,
	pass: PassContext,
): Promise<string> {
	const { db, stripe } = deps;
	const dispute = await stripeCall("retrieve dispute", () =>
		stripe.disputes.retrieve(disputeId, { expand: DISPUTE_EXPAND }, onBehalfOf(stripeAccount)),
	);
	const row = await upsertDispute(db, dispute, stripeAccount);
	await recordFunds(db, dispute, stripeAccount);
	const verdict = reconcile(dispute, row.stage, deps.now());
	const attempt = { disputeId, eventId: pass.eventId, deliveryAttempt: pass.delivery, actor: pass.actor };

	switch (verdict.action) {
		case "none":
			await recordAttempt(db, {
				...attempt,
				stage: "sync",
				outcome: "ok",
				detail: { status: dispute.status, stage: row.stage },
			});
			break;
		case "close":
			await move(deps, disputeId, "close", { to: verdict.stage, outcome: verdict.outcome, closedAt: deps.now() });
			await recordOutcome(db, dispute, stripeAccount, "pipeline");
			await recordAttempt(db, { ...attempt, stage: "outcome", outcome: "ok", detail: { status: dispute.status } });
			break;
		case "mark_submitted":
			await move(deps, disputeId, "mark_submitted", { submittedAt: deps.now(), reason: verdict.reason });
			await recordAttempt(db, {
				...attempt,
				stage: "sync",
				outcome: "ok",
				detail: { reason: verdict.reason.message },
			});
			break;
		case "skip":
			await move(deps, disputeId, "skip", { reason: verdict.reason });
			await recordAttempt(db, {
				...attempt,
				stage: "assemble",
				outcome: "skipped",
				detail: { reason: verdict.reason.message },
			});
			break;
		case "resume_submit":
			await deps.submitQueue.send({ disputeId, stripeAccount });
			await recordAttempt(db, { ...attempt, stage: "sync", outcome: "ok", detail: { resumed: "submit" } });
			break;
		case "appeal":
			await handleAppeal(deps, dispute, row, stripeAccount, attempt);
			break;
		case "assemble":
			await assembleEvidence(deps, dispute, stripeAccount, attempt);
	}
	return dispute.status;
}
