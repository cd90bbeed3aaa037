import { consumeNotifications } from "./consumer";

/** Consumer of the notify queue (and its dead-letter queue): lifecycle notices to NOTIFY_WEBHOOK_URL. */
export default {
	async queue(batch, env) {
		await consumeNotifications(batch, env);
	},
} satisfies ExportedHandler<Env, unknown>;
