import Stripe from "stripe";
import type { PipelineConfig } from "../config";
import { isolateGate, keyMode, pacedFetch, pacersFor } from "./pacing";
import { bucketName, type SharedLimiter, sharedGate } from "./shared-pacing";

/**
 * One Stripe client per batch; every call, file uploads included, goes to STRIPE_API_BASE when it is set, paced
 * below Stripe's rate limit for the key's mode: through the account's shared bucket when `limiter` is given
 * (lib/stripe/shared-pacing.ts), else, and whenever the bucket cannot be reached, by this isolate's own pacer.
 */
export function createStripe(
	config: Pick<PipelineConfig, "STRIPE_SECRET_KEY" | "STRIPE_API_BASE">,
	limiter?: SharedLimiter,
): Stripe {
	const base = config.STRIPE_API_BASE ? new URL(config.STRIPE_API_BASE) : undefined;
	const mode = keyMode(config.STRIPE_SECRET_KEY);
	const isolate = isolateGate(pacersFor(mode));
	const gate = limiter ? sharedGate(limiter, bucketName(config.STRIPE_SECRET_KEY, mode), mode, isolate) : isolate;
	return new Stripe(config.STRIPE_SECRET_KEY, {
		// A plain function around fetch: workerd rejects fetch called with a foreign `this`.
		httpClient: Stripe.createFetchHttpClient(pacedFetch(gate, (input, init) => fetch(input, init))),
		maxNetworkRetries: 2,
		timeout: 20_000,
		appInfo: { name: "rebuttal" },
		...(base && {
			host: base.hostname,
			port: base.port || (base.protocol === "https:" ? 443 : 80),
			protocol: base.protocol === "https:" ? "https" : "http",
		}),
	});
}

/** Request options that place a call in a connected account's context when the event came from one. */
export function onBehalfOf(stripeAccount: string | null | undefined): Stripe.RequestOptions {
	return stripeAccount ? { stripeAccount } : {};
}
