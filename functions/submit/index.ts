import { describeError } from "../../lib/errors";
import { submitMessageSchema } from "../../lib/messages";
import { handleDeadLetters } from "../../lib/pipeline/dead-letter";
import { recordPermanentFailure } from "../../lib/pipeline/failures";
import { recordAttempt } from "../../lib/pipeline/store";
import { handleSubmitMessage } from "../../lib/pipeline/submit";
import { consumeEach } from "../../lib/queue";
import { withPipeline } from "../wiring";

/** Consumer of the submit queue (and its dead-letter queue): staged evidence in, one submission out. */
export default {
	async queue(batch, env, ctx) {
		await withPipeline(env, ctx, async (deps, config) => {
			if (batch.queue.endsWith("-dlq")) {
				await handleDeadLetters(deps.db, "submit", batch.messages, submitMessageSchema);
				return;
			}
			await consumeEach(batch.messages, submitMessageSchema, (body, m) => handleSubmitMessage(deps, body, m.attempts), {
				baseDelaySeconds: config.QUEUE_RETRY_BASE_SECONDS,
				requeue: (body, delaySeconds) => deps.submitQueue.send(body, { delaySeconds }),
				onPermanentFailure: (error, body, m) =>
					recordPermanentFailure(deps.db, "submit", error, body, m.attempts, batch.queue),
				onRetry: (error, body, m, delaySeconds) =>
					recordAttempt(deps.db, {
						disputeId: body.disputeId,
						stage: "submit",
						outcome: "retry",
						retryable: true,
						error: describeError(error).slice(0, 2000),
						detail: { delaySeconds },
						deliveryAttempt: m.attempts,
					}),
			});
		});
	},
} satisfies ExportedHandler<Env, unknown>;
