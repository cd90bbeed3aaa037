import { and, desc, eq, isNotNull } from "drizzle-orm";
import { attempts, disputes, type Stage } from "../../schema";
import type { Db } from "../db/client";
import { describeError } from "../errors";
import type { AssembleMessage, SubmitMessage } from "../messages";
import { recordAttempt, transition } from "./store";

export type FailedStage = "assemble" | "submit";

/** Stages a failure may interrupt; evidence that went out, or a dispute that ended, is never marked failed. */
const FAILABLE: Stage[] = ["received", "assembling", "staged", "awaiting_review", "submitting", "failed"];

/** The dispute an assemble message is about, when it is about one. */
export function disputeIdOf(message: AssembleMessage | SubmitMessage | undefined): string | null {
	if (!message) return null;
	if ("kind" in message) {
		if (message.kind === "reassemble") return message.disputeId;
		return message.type.startsWith("charge.dispute.") ? message.objectId : null;
	}
	return message.disputeId;
}

/**
 * Marks a dispute failed with the error that stopped it, so the dashboard can show and retry it. A dispute
 * that failed before its first row was written (Stripe unreachable, say) gets a placeholder row.
 */
export async function markFailed(
	db: Db,
	disputeId: string,
	stage: FailedStage,
	error: string,
	context: { eventId?: string | null; delivery?: number; source: string },
): Promise<void> {
	await db
		.insert(disputes)
		.values({ id: disputeId, amount: 0, currency: "", reason: "unknown", status: "unknown", stage: "received" })
		.onConflictDoNothing();
	await transition(db, disputeId, FAILABLE, "failed", { failedStage: stage, lastError: error.slice(0, 2000) });
	await recordAttempt(db, {
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
	db: Db,
	stage: FailedStage,
	error: unknown,
	message: AssembleMessage | SubmitMessage | undefined,
	delivery: number,
	source: string,
): Promise<void> {
	const disputeId = disputeIdOf(message);
	const eventId = message && "kind" in message && message.kind === "event" ? message.eventId : null;
	if (disputeId) {
		await markFailed(db, disputeId, stage, describeError(error), { eventId, delivery, source });
		return;
	}
	await recordAttempt(db, {
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
