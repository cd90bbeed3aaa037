import Stripe from "stripe";
import { intakeConfigSchema, parseConfig } from "../lib/config";
import { verifyWebhook } from "../lib/pipeline/intake";
import { disputeEvent, signPayload } from "../tests/support/stripe-webhook";

// `npx tsx bench/profile-intake.ts`: CPU time per delivery of each step intake adds to a Worker that only
// enqueues, in Node's V8 (workerd's clock does not advance during CPU work, so this is timed outside it). Compares
// the signature check through stripe-node's constructEventAsync with intake's own (lib/pipeline/webhook-signature.ts).

const ITERATIONS = Number(process.env.PROFILE_ITERATIONS ?? 20_000);
const secret = "whsec_profile_secret_0123456789";
const payload = JSON.stringify(disputeEvent());
const bytes = new TextEncoder().encode(payload);
const header = await signPayload(payload, secret);
const provider = Stripe.createSubtleCryptoProvider();
const env = { STRIPE_WEBHOOK_SECRET: secret };

async function time(name: string, step: () => unknown): Promise<void> {
	for (let i = 0; i < 1000; i++) await step();
	const started = performance.now();
	for (let i = 0; i < ITERATIONS; i++) await step();
	const us = ((performance.now() - started) * 1000) / ITERATIONS;
	process.stdout.write(`${name.padEnd(58)} ${us.toFixed(1).padStart(7)} µs\n`);
}

process.stdout.write(`${payload.length}-byte event, ${ITERATIONS} iterations per step\n`);
await time("config: zod parse of the env (per request before)", () => parseConfig(intakeConfigSchema, env));
await time("body: decode to a string (c.req.text() before)", () => new TextDecoder().decode(bytes));
await time("stripe-node constructEventAsync (before: verify + parse)", () =>
	Stripe.webhooks.constructEventAsync(payload, header, secret, 300, provider),
);
await time("intake verifyWebhook (now: verify + parse + message)", () => verifyWebhook(bytes, header, secret));
await time("JSON.parse alone", () => JSON.parse(payload));
