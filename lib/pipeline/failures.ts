import { and, desc, eq, isNotNull } from "drizzle-orm";
import { attempts } from "../../schema";
import type { Db } from "../db/client";
import { type MoveDeps, move } from "../dispute/move";
import { ensureDisputeRow, recordAttempt } from "../dispute/store";
import { describeError } from "../errors";
import { type AssembleMessage, HANDLED_EVENTS, type SubmitMessage } from "../messages";

export type FailedStage = "assemble" | "submit";

/** The dispute an assemble message is about, when it is about one. */
export function disputeIdOf(message: AssembleMessage | SubmitMessage | undefined): string | null {
	if (!message) return null;
	if ("kind" in message) {
		if (message.kind === "reassemble") return message.disputeId;
		return HANDLED_EVENTS[message.type] === "dispute" ? message.objectId : null;
	}
	return message.disputeId;
}

/**
 * Marks a dispute failed with the error that stopped it, so the dashboard can show and retry it. A dispute
 * that failed before its first row was written (Stripe unreachable, say) gets a placeholder row.
 */
export async function markFailed(
	deps: MoveDeps,
	disputeId: string,
	stage: FailedStage,
	error: string,
	context: { eventId?: string | null; delivery?: number; source: string },
): Promise<void> {
	await ensureDisputeRow(deps.db, disputeId);
	await move(deps, disputeId, "fail", { failedStage: stage, lastError: error.slice(0, 2000) });
	await recordAttempt(deps.db, {
		disputeId,
		eventId: context.eventId ?? null,
		stage,
		outcome: "failed",
		retryable: false,
		error: error.slice(0, 2000),
		detail: { source: context.source },
		deliveryAttempt: context.delivery ?? null,
	});
}

/** Records a permanent failure of a queue message: on its dispute when it has one, in the log otherwise. */
export async function recordPermanentFailure(
	deps: MoveDeps,
	stage: FailedStage,
	error: unknown,
	message: AssembleMessage | SubmitMessage | undefined,
	delivery: number,
	source: string,
): Promise<void> {
	const disputeId = disputeIdOf(message);
	const eventId = message && "kind" in message && message.kind === "event" ? message.eventId : null;
	if (disputeId) {
		await markFailed(deps, disputeId, stage, describeError(error), { eventId, delivery, source });
		return;
	}
	await recordAttempt(deps.db, {
		disputeId: null,
		eventId,
		stage,
		outcome: "failed",
		retryable: false,
		error: describeError(error).slice(0, 2000),
		detail: { source, body: message ?? null },
		deliveryAttempt: delivery,
	});
}

/** The last error recorded for a dispute, to explain a dead-lettered message. */
export async function lastRecordedError(db: Db, disputeId: string | null): Promise<string | null> {
	if (!disputeId) return null;
	const [row] = await db
		.select({ error: attempts.error })
		.from(attempts)
		.where(and(eq(attempts.disputeId, disputeId), isNotNull(attempts.error)))
		.orderBy(desc(attempts.id))
		.limit(1);
	return row?.error ?? null;
}

/**
 * A message the queue gave up on (it reached the dead-letter queue after max_retries): its dispute is marked
 * failed with the last error recorded for it, so an operator can see why and retry from the dashboard. The
 * delivery count restarts in the dead-letter queue, so the attempts log tells how often it was tried.
 */
export async function recordDeadLetter(
	deps: MoveDeps,
	stage: FailedStage,
	body: AssembleMessage | SubmitMessage | undefined,
	delivery: number,
): Promise<void> {
	const lastError = await lastRecordedError(deps.db, disputeIdOf(body));
	const error = new Error(`the queue gave up on it${lastError ? `; last error: ${lastError}` : ""}`);
	await recordPermanentFailure(deps, stage, error, body, delivery, "dead-letter queue");
}
