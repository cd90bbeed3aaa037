import { type Clock, type Gate, type KeyMode, realClock } from "./pacing";

/**
 * The shared gate: one token bucket per Stripe account and mode, kept by a Durable Object
 * (functions/stripe-rate-limiter.ts), so every isolate and every concurrent queue consumer books its calls in the
 * same schedule and together stays under Stripe's limit. Structural here, so lib/ stays runtime-agnostic.
 */
export interface SharedLimiter {
	/** Books the next slot of the bucket for one call and returns the milliseconds to wait for it. */
	reserve(bucket: string, mode: KeyMode, isUpload: boolean): Promise<number>;
}

/** A reservation that takes longer than this is abandoned for the isolate's own pacing. */
export const RESERVE_TIMEOUT_MS = 2000;

/**
 * The bucket of a secret key: its mode and a fingerprint of the key (never the key itself), so clients of one
 * account share a bucket wherever they run, and test and live traffic never share one.
 */
export async function bucketName(secretKey: string, mode: KeyMode): Promise<string> {
	const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secretKey)));
	const hex = Array.from(digest.subarray(0, 12), (b) => b.toString(16).padStart(2, "0")).join("");
	return `stripe:${mode}:${hex}`;
}

let warned = false;

/**
 * Waits for the slot the shared bucket grants. When the bucket cannot be asked (an error, or no answer within
 * {@link RESERVE_TIMEOUT_MS}), the call is paced by `fallback`, the isolate's own pacer, instead: the call still
 * goes, paced as before the shared bucket existed, and a 429 it may then meet is retried as usual.
 */
export function sharedGate(
	limiter: SharedLimiter,
	bucket: string | Promise<string>,
	mode: KeyMode,
	fallback: Gate,
	clock: Clock = realClock,
): Gate {
	return {
		async wait(isUpload) {
			let waitMs: number;
			try {
				waitMs = await withTimeout(
					Promise.resolve(bucket).then((name) => limiter.reserve(name, mode, isUpload)),
					RESERVE_TIMEOUT_MS,
				);
			} catch (error) {
				if (!warned) {
					warned = true;
					console.warn(
						"Stripe rate limiter unreachable; pacing this isolate on its own:",
						error instanceof Error ? error.message : String(error),
					);
				}
				return fallback.wait(isUpload);
			}
			if (waitMs > 0) await clock.sleep(waitMs);
		},
	};
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
	});
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** What the pacer needs of the `STRIPE_RATE_LIMITER` binding (functions/stripe-rate-limiter.ts). */
export interface LimiterNamespace<Id> {
	idFromName(name: string): Id;
	get(id: Id): { reserve(mode: KeyMode, isUpload: boolean): Promise<number> };
}

/** The shared limiter over the Worker's binding; undefined when it is not bound (the isolate paces alone). */
export function sharedLimiter<Id>(namespace: LimiterNamespace<Id> | undefined): SharedLimiter | undefined {
	if (!namespace) return undefined;
	return {
		reserve: (bucket, mode, isUpload) => namespace.get(namespace.idFromName(bucket)).reserve(mode, isUpload),
	};
}
