import type Stripe from "stripe";
import type { Db } from "../db/client";
import { ConflictError, NotFoundError } from "../errors";
import { backfillOpenDisputes } from "../lifecycle/backfill";
import type { AssembleMessage, QueueSender, SubmitMessage } from "../messages";
import { getDispute, getEvidence, recordAttempt, transition } from "../pipeline/store";

interface ActionDeps {
	db: Db;
	assembleQueue: QueueSender<AssembleMessage>;
	submitQueue: QueueSender<SubmitMessage>;
}

/**
 * Re-enqueues the stage that failed. The stage moves out of `failed` atomically before the message is sent,
 * so two clicks (or two operators) enqueue it once.
 */
export async function retryDispute(deps: ActionDeps, disputeId: string, actor: string) {
	const row = await getDispute(deps.db, disputeId);
	if (!row) throw new NotFoundError(`no dispute ${disputeId}`);
	if (row.stage !== "failed") throw new ConflictError(`dispute ${disputeId} is ${row.stage}, not failed`);
	const retrySubmit = row.failedStage === "submit" && (await getEvidence(deps.db, disputeId)) !== undefined;
	const to = retrySubmit ? "staged" : "received";
	if (!(await transition(deps.db, disputeId, ["failed"], to, { stageReason: `retry requested by ${actor}` }))) {
		throw new ConflictError(`dispute ${disputeId} is already being retried`);
	}
	try {
		if (retrySubmit) {
			await deps.submitQueue.send({ disputeId, stripeAccount: row.stripeAccount });
		} else {
			await deps.assembleQueue.send({
				kind: "reassemble",
				disputeId,
				stripeAccount: row.stripeAccount,
				requestedBy: actor,
			});
		}
	} catch (error) {
		// Nothing was queued: put the dispute back where an operator can retry it again.
		await transition(deps.db, disputeId, [to], "failed");
		throw error;
	}
	const queued = retrySubmit ? "submit" : "assemble";
	await recordAttempt(deps.db, { disputeId, stage: "retry", outcome: "ok", actor, detail: { queued } });
	return { id: disputeId, stage: to, queued };
}

/** In review mode, approves the staged evidence: it is submitted by the submit function. */
export async function approveDispute(deps: ActionDeps, disputeId: string, actor: string) {
	const row = await getDispute(deps.db, disputeId);
	if (!row) throw new NotFoundError(`no dispute ${disputeId}`);
	if (row.stage === "submitting" || row.stage === "submitted") {
		return { id: disputeId, stage: row.stage, queued: null };
	}
	if (row.stage !== "awaiting_review") {
		throw new ConflictError(`dispute ${disputeId} is ${row.stage}, not awaiting review`);
	}
	await deps.submitQueue.send({ disputeId, stripeAccount: row.stripeAccount, approvedBy: actor });
	await recordAttempt(deps.db, { disputeId, stage: "approve", outcome: "ok", actor });
	return { id: disputeId, stage: row.stage, queued: "submit" as const };
}

/**
 * Runs the backfill now (the dashboard's button): lists recent disputes of the platform and every configured
 * connected account, and enqueues each open one the database does not know. Safe to click twice.
 */
export async function backfillNow(
	deps: ActionDeps & { stripe: Stripe; accounts: readonly string[]; now?: () => Date },
	actor: string,
) {
	const reports = await backfillOpenDisputes(
		{ db: deps.db, stripe: deps.stripe, assembleQueue: deps.assembleQueue, now: deps.now ?? (() => new Date()) },
		{ accounts: deps.accounts, requestedBy: actor },
	);
	return {
		enqueued: reports.reduce((n, r) => n + r.enqueued, 0),
		accounts: reports,
	};
}
