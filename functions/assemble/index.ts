import { describeError } from "../../lib/errors";
import { assembleMessageSchema } from "../../lib/messages";
import { handleAssembleMessage } from "../../lib/pipeline/assemble";
import { handleDeadLetters } from "../../lib/pipeline/dead-letter";
import { disputeIdOf, recordPermanentFailure } from "../../lib/pipeline/failures";
import { recordAttempt } from "../../lib/pipeline/store";
import { consumeEach } from "../../lib/queue";
import { withPipeline } from "../wiring";

/** Consumer of the assemble queue (and its dead-letter queue): events in, staged evidence out. */
export default {
	async queue(batch, env, ctx) {
		await withPipeline(env, ctx, async (deps, config) => {
			if (batch.queue.endsWith("-dlq")) {
				await handleDeadLetters(deps.db, "assemble", batch.messages, assembleMessageSchema);
				return;
			}
			await consumeEach(
				batch.messages,
				assembleMessageSchema,
				(body, m) => handleAssembleMessage(deps, body, m.attempts),
				{
					baseDelaySeconds: config.QUEUE_RETRY_BASE_SECONDS,
					requeue: (body, delaySeconds) => deps.assembleQueue.send(body, { delaySeconds }),
					onPermanentFailure: (error, body, m) =>
						recordPermanentFailure(deps.db, "assemble", error, body, m.attempts, batch.queue),
					onRetry: (error, body, m, delaySeconds) =>
						recordAttempt(deps.db, {
							disputeId: disputeIdOf(body),
							eventId: body.kind === "event" ? body.eventId : null,
							stage: "assemble",
							outcome: "retry",
							retryable: true,
							error: describeError(error).slice(0, 2000),
							detail: { delaySeconds },
							deliveryAttempt: m.attempts,
						}),
				},
			);
		});
	},
} satisfies ExportedHandler<Env, unknown>;
