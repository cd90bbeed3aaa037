import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { intakeConfigSchema, parseConfig } from "../../lib/config";
import { type AppEnv, notFound, onError } from "../../lib/http/app";
import { MAX_WEBHOOK_BYTES, verifyWebhook } from "../../lib/pipeline/intake";

/**
 * Webhook intake: verify, enqueue, answer. No database and no Stripe call in the request path, so intake keeps
 * accepting events while either is down; a failed enqueue answers 500 so Stripe delivers again.
 */
export const intakeApp = new Hono<AppEnv>()
	.get("/health", (c) => c.json({ ok: true }))
	.post(
		"/webhooks/stripe",
		bodyLimit({
			maxSize: MAX_WEBHOOK_BYTES,
			onError: (c) => c.json({ error: { code: "payload_too_large", message: "body over 1 MiB" } }, 413),
		}),
		async (c) => {
			const config = parseConfig(intakeConfigSchema, c.env);
			const rawBody = await c.req.text();
			const message = await verifyWebhook(rawBody, c.req.header("stripe-signature"), config.STRIPE_WEBHOOK_SECRET);
			if (!message) return c.json({ received: true, ignored: true });
			try {
				await c.env.ASSEMBLE_QUEUE.send(message);
			} catch (error) {
				console.error("enqueue failed", error instanceof Error ? error.message : String(error));
				return c.json({ error: { code: "enqueue_failed", message: "could not queue the event; retry" } }, 500);
			}
			return c.json({ received: true });
		},
	);

intakeApp.onError(onError);
intakeApp.notFound(notFound);
