import { Hono } from "hono";
import { type IntakeConfig, intakeConfigSchema, parseConfig } from "../../lib/config";
import { type AppEnv, notFound, onError } from "../../lib/http/app";
import { MAX_WEBHOOK_BYTES, verifyWebhook } from "../../lib/pipeline/intake";
import { readBodyUpTo } from "./body";

/** Validated once per `env` object (workerd hands every request of an isolate the same one). */
const configs = new WeakMap<object, IntakeConfig>();
function intakeConfig(env: Env): IntakeConfig {
	let config = configs.get(env);
	if (!config) {
		config = parseConfig(intakeConfigSchema, env);
		configs.set(env, config);
	}
	return config;
}

const JSON_HEADERS = { "content-type": "application/json" } as const;
const RECEIVED = '{"received":true}';
const IGNORED = '{"received":true,"ignored":true}';

/**
 * Webhook intake: verify, enqueue, answer. No database and no Stripe call in the request path, so intake keeps
 * accepting events while either is down; a failed enqueue answers 500 so Stripe delivers again.
 */
export const intakeApp = new Hono<AppEnv>()
	.get("/health", (c) => c.json({ ok: true }))
	.post("/webhooks/stripe", async (c) => {
		const config = intakeConfig(c.env);
		const rawBody = await readBodyUpTo(c.req.raw, MAX_WEBHOOK_BYTES);
		if (!rawBody) return c.json({ error: { code: "payload_too_large", message: "body over 1 MiB" } }, 413);
		const message = await verifyWebhook(rawBody, c.req.header("stripe-signature"), config.STRIPE_WEBHOOK_SECRET);
		if (!message) return new Response(IGNORED, { headers: JSON_HEADERS });
		try {
			await c.env.ASSEMBLE_QUEUE.send(message);
		} catch (error) {
			console.error("enqueue failed", error instanceof Error ? error.message : String(error));
			return c.json({ error: { code: "enqueue_failed", message: "could not queue the event; retry" } }, 500);
		}
		return new Response(RECEIVED, { headers: JSON_HEADERS });
	});

intakeApp.onError(onError);
intakeApp.notFound(notFound);
