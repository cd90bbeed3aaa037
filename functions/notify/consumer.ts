import { notifyConfigSchema, parseConfig } from "../../lib/config";
import { describeError } from "../../lib/errors";
import { notifyMessageSchema } from "../../lib/lifecycle/messages";
import { deliverNotification } from "../../lib/lifecycle/notify";
import { type ConsumedMessage, consumeDeadLetters, consumeEach } from "../../lib/queue";

/** The part of a queue batch the notify consumer reads. */
export interface NotifyBatch {
	readonly queue: string;
	readonly messages: readonly ConsumedMessage[];
}

/**
 * Posts each notice of a batch to NOTIFY_WEBHOOK_URL, retrying with backoff; from the dead-letter queue, logs
 * and drops. Configuration is validated first. Needs no database and no Stripe: a notice never waits on the
 * pipeline, and the pipeline never waits on a notice.
 */
export async function consumeNotifications(batch: NotifyBatch, env: unknown): Promise<void> {
	const config = parseConfig(notifyConfigSchema, env);
	if (batch.queue.endsWith("-dlq")) {
		await consumeDeadLetters(batch.messages, notifyMessageSchema, async (_body, message) => {
			console.error(`notification dropped after ${message.attempts} deliveries`, JSON.stringify(message.body));
		});
		return;
	}
	const url = config.NOTIFY_WEBHOOK_URL;
	await consumeEach(
		batch.messages,
		notifyMessageSchema,
		async (body) => {
			if (!url) return; // Turned off since it was enqueued: nothing to do.
			await deliverNotification(url, body);
		},
		{
			baseDelaySeconds: config.QUEUE_RETRY_BASE_SECONDS,
			onPermanentFailure: async (error, body) => {
				console.error(
					`notification ${body?.kind ?? "?"} for ${body?.disputeId ?? "?"} not delivered: ${describeError(error)}`,
				);
			},
		},
	);
}
