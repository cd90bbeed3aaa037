import { DurableObject } from "cloudflare:workers";
import { type KeyMode, Pacer, type Paces, reserveCall, SHARED_PACE } from "../lib/stripe/pacing";

/**
 * One Stripe account's rate limit for every isolate: a Durable Object per bucket (account and mode, see
 * lib/stripe/shared-pacing.ts) that books each call's slot. A Durable Object runs one call at a time, so two
 * consumers can never book the same slot. The schedule lives in memory: an evicted object starts a fresh one,
 * which at worst lets one slot's worth of calls through early.
 */
export class StripeRateLimiter extends DurableObject<Env> {
	private paces: Paces | undefined;

	/** Milliseconds the caller waits before its call may go; a file upload is booked on both lanes. */
	reserve(mode: KeyMode, isUpload: boolean): number {
		this.paces ??= {
			api: new Pacer(mode === "live" ? SHARED_PACE.live : SHARED_PACE.test),
			files: new Pacer(SHARED_PACE.files),
		};
		const now = Date.now();
		return reserveCall(this.paces, now, isUpload) - now;
	}
}
