import type Stripe from "stripe";
import type { Db } from "../db/client";
import { move } from "../dispute/move";
import type { Notices } from "../dispute/notices";
import { reason as stageReason } from "../dispute/reasons";
import { getDispute, getEvidence, recordAttempt } from "../dispute/store";
import { ConflictError, NotFoundError, PermanentError } from "../errors";
import { backfillOpenDisputes } from "../lifecycle/backfill";
import type { AssembleMessage, QueueSender, SubmitMessage } from "../messages";
import { importHistory } from "../outcomes/history";
import { failedDisputeIds } from "./queries";

export class BadInput extends PermanentError {
	constructor(message: string) {
		super("bad_request", message, { status: 400 });
	}
}

export interface ActionDeps {
	db: Db;
	assembleQueue: QueueSender<AssembleMessage>;
	submitQueue: QueueSender<SubmitMessage>;
	notices?: Notices;
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
	if (!(await move(deps, disputeId, "retry", { to, reason: stageReason("retry_requested", actor) }))) {
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
		await move(deps, disputeId, "retry_unsent", {});
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
 * Skips (accepts) a dispute: rebuttal will not answer it. Idempotent: skipping a skipped dispute changes nothing.
 * Refused once evidence is being submitted or the dispute is decided.
 */
export async function skipDispute(
	deps: Pick<ActionDeps, "db" | "notices">,
	disputeId: string,
	reason: string,
	actor: string,
) {
	const text = reason.trim();
	if (text.length < 3 || text.length > 500) throw new BadInput("a reason of 3 to 500 characters is required");
	const row = await getDispute(deps.db, disputeId);
	if (!row) throw new NotFoundError(`no dispute ${disputeId}`);
	if (row.stage === "skipped") return { id: disputeId, stage: row.stage, changed: false };
	if (!(await move(deps, disputeId, "skip", { reason: stageReason("operator_skip", actor, text) }))) {
		const now = await getDispute(deps.db, disputeId);
		if (now?.stage === "skipped") return { id: disputeId, stage: now.stage, changed: false };
		throw new ConflictError(`dispute ${disputeId} is ${now?.stage ?? row.stage} and can no longer be skipped`);
	}
	await recordAttempt(deps.db, { disputeId, stage: "skip", outcome: "skipped", actor, detail: { reason: text } });
	return { id: disputeId, stage: "skipped" as const, changed: true };
}

/** At most this many failed disputes are retried by one "retry all". */
export const RETRY_ALL_LIMIT = 50;

/**
 * Retries every failed dispute, oldest failure first, at most `limit` of them. Each retry is the idempotent
 * single retry: a dispute another operator retried meanwhile is counted as skipped, not queued twice.
 */
export async function retryAllFailed(deps: ActionDeps, actor: string, limit = RETRY_ALL_LIMIT) {
	const ids = await failedDisputeIds(deps.db, Math.min(limit, RETRY_ALL_LIMIT));
	const retried: string[] = [];
	const skipped: { id: string; reason: string }[] = [];
	for (const id of ids) {
		try {
			await retryDispute(deps, id, actor);
			retried.push(id);
		} catch (error) {
			if (!(error instanceof ConflictError || error instanceof NotFoundError)) throw error;
			skipped.push({ id, reason: error.message });
		}
	}
	return { retried, skipped, more: ids.length === Math.min(limit, RETRY_ALL_LIMIT) };
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
	const history = await importHistory(
		{ db: deps.db, stripe: deps.stripe, now: deps.now ?? (() => new Date()) },
		{ accounts: deps.accounts, requestedBy: actor },
	);
	return {
		enqueued: reports.reduce((n, r) => n + r.enqueued, 0),
		accounts: reports,
		imported: history.reduce((n, r) => n + r.imported, 0),
		history,
	};
}
