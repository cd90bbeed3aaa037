import Stripe from "stripe";
import { PermanentError, RetryableError } from "../errors";

/**
 * Maps a Stripe SDK error to rebuttal's two kinds: 429, 409 (a concurrent idempotent request), 5xx and
 * connection failures can succeed later; every other 4xx will fail the same way again.
 */
export function classifyStripeError(error: unknown, action: string) {
	if (!(error instanceof Stripe.errors.StripeError)) return error;
	const status = error.statusCode;
	const detail = `${action}: ${error.message}`;
	if (error instanceof Stripe.errors.StripeConnectionError || status === undefined || status >= 500) {
		return new RetryableError("stripe_unavailable", detail, { cause: error });
	}
	if (status === 429 || error instanceof Stripe.errors.StripeRateLimitError) {
		const retryAfter = Number(error.headers?.["retry-after"]);
		return new RetryableError("stripe_rate_limited", detail, {
			cause: error,
			retryAfterSeconds: Number.isFinite(retryAfter) ? retryAfter : undefined,
			throttled: true,
		});
	}
	if (status === 409) return new RetryableError("stripe_conflict", detail, { cause: error });
	if (status === 404) return new PermanentError("stripe_not_found", detail, { cause: error, status: 404 });
	return new PermanentError("stripe_rejected", detail, { cause: error, status: 502 });
}

/** Runs one Stripe call and rethrows its failure as a typed rebuttal error. */
export async function stripeCall<T>(action: string, call: () => Promise<T>): Promise<T> {
	try {
		return await call();
	} catch (error) {
		throw classifyStripeError(error, action);
	}
}
