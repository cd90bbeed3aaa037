import Stripe from "stripe";
import type { PipelineConfig } from "../config";
import { keyMode, pacedFetch, pacersFor } from "./pacing";

/**
 * One Stripe client per batch; every call, file uploads included, goes to STRIPE_API_BASE when it is set, paced
 * below Stripe's rate limit for the key's mode (lib/stripe/pacing.ts).
 */
export function createStripe(config: Pick<PipelineConfig, "STRIPE_SECRET_KEY" | "STRIPE_API_BASE">): Stripe {
	const base = config.STRIPE_API_BASE ? new URL(config.STRIPE_API_BASE) : undefined;
	return new Stripe(config.STRIPE_SECRET_KEY, {
		// A plain function around fetch: workerd rejects fetch called with a foreign `this`.
		httpClient: Stripe.createFetchHttpClient(
			pacedFetch(pacersFor(keyMode(config.STRIPE_SECRET_KEY)), (input, init) => fetch(input, init)),
		),
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
