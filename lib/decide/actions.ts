import type { ActionDeps } from "../dashboard/actions";
import { getDispute, recordAttempt } from "../dispute/store";
import { ConflictError, NotFoundError } from "../errors";

/**
 * An operator accepts a dispute awaiting review (rebuttal recommended it, or the operator chose to): the submit
 * function closes it in Stripe, so the close is retried like any other Stripe call.
 */
export async function acceptByOperator(deps: ActionDeps, disputeId: string, actor: string) {
	const row = await getDispute(deps.db, disputeId);
	if (!row) throw new NotFoundError(`no dispute ${disputeId}`);
	if (row.stage !== "awaiting_review") {
		throw new ConflictError(`dispute ${disputeId} is ${row.stage}, not awaiting review`);
	}
	await deps.submitQueue.send({ disputeId, stripeAccount: row.stripeAccount, approvedBy: actor, accept: true });
	await recordAttempt(deps.db, { disputeId, stage: "accept", outcome: "ok", actor });
	return { id: disputeId, stage: row.stage, queued: "accept" as const };
}
