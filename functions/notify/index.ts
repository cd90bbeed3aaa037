import { notifyConfigSchema, parseConfig } from "../../lib/config";
import { describeError } from "../../lib/errors";
import { notifyMessageSchema } from "../../lib/lifecycle/messages";
import { deliverNotification } from "../../lib/lifecycle/notify";
import { consumeEach } from "../../lib/queue";

/**
 * Consumer of the notify queue: posts each notice to NOTIFY_WEBHOOK_URL, retrying with backoff. It needs no
 * database and no Stripe: a notice never waits on the pipeline, and the pipeline never waits on a notice.
 */
export default {
	async queue(batch, env) {
		const config = parseConfig(notifyConfigSchema, env);
		if (batch.queue.endsWith("-dlq")) {
			for (const message of batch.messages) {
				console.error(`notification dropped after ${message.attempts} deliveries`, JSON.stringify(message.body));
				message.ack();
			}
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
	},
} satisfies ExportedHandler<Env, unknown>;
