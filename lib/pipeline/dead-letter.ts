import type { z } from "zod";
import type { Db } from "../db/client";
import type { AssembleMessage, SubmitMessage } from "../messages";
import type { ConsumedMessage } from "../queue";
import { disputeIdOf, type FailedStage, lastRecordedError, recordPermanentFailure } from "./failures";

/**
 * A message lands in a dead-letter queue after the queue's max_retries. Its dispute is marked failed with the
 * last error recorded for it, so an operator can see why and retry from the dashboard. A message is acked only
 * once that is written; if the database is down too, it stays in the dead-letter queue for another delivery.
 */
export async function handleDeadLetters<T extends AssembleMessage | SubmitMessage>(
	db: Db,
	stage: FailedStage,
	messages: readonly ConsumedMessage[],
	schema: z.ZodType<T>,
): Promise<void> {
	for (const message of messages) {
		const parsed = schema.safeParse(message.body);
		const body = parsed.success ? parsed.data : undefined;
		try {
			const lastError = await lastRecordedError(db, disputeIdOf(body));
			// The delivery count restarts in the dead-letter queue, so the attempts log tells how often it was tried.
			const error = new Error(`the queue gave up on it${lastError ? `; last error: ${lastError}` : ""}`);
			await recordPermanentFailure(db, stage, error, body, message.attempts, "dead-letter queue");
			message.ack();
		} catch (error) {
			console.error("dead letter not recorded; will retry", error instanceof Error ? error.message : error);
			message.retry({ delaySeconds: 30 });
		}
	}
}
