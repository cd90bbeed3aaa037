import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { isolateGate, Pacer, pacedFetch, SHARED_PACE } from "../../lib/stripe/pacing";
import { bucketName, type SharedLimiter, sharedGate, sharedLimiter } from "../../lib/stripe/shared-pacing";

/** Stripe's test-mode limits (requests, file uploads per second), which the emulator enforces. */
const STRIPE_LIMIT = { perSecond: 25, filesPerSecond: 20 };

/**
 * One queue consumer as an isolate of its own would run it: its own isolate pacer (the fallback, never shared),
 * and the shared bucket through the Durable Object binding. Each call's release time is recorded.
 */
function consumer(limiter: SharedLimiter | undefined, bucket: string, released: number[]) {
	const own = isolateGate({ api: new Pacer(22), files: new Pacer(18) });
	const gate = limiter ? sharedGate(limiter, bucket, "test", own) : own;
	return pacedFetch(gate, async (input) => {
		released.push(Date.now());
		return new Response(String(input));
	});
}

/** Most calls released in any one-second window. */
function busiestSecond(times: number[]): number {
	const sorted = [...times].sort((a, b) => a - b);
	let most = 0;
	for (let i = 0, j = 0; i < sorted.length; i++) {
		while (sorted[i]! - sorted[j]! >= 1000) j++;
		most = Math.max(most, i - j + 1);
	}
	return most;
}

/** `calls` requests by one consumer, `parallel` at a time. */
async function run(fetch: ReturnType<typeof consumer>, calls: number, parallel: number, path = "/v1/disputes") {
	let next = 0;
	await Promise.all(
		Array.from({ length: parallel }, async () => {
			while (next < calls) {
				next++;
				await fetch(`https://api.stripe.test${path}`, { method: path === "/v1/files" ? "POST" : "GET" });
			}
		}),
	);
}

describe("the shared Stripe rate limiter (Durable Object)", () => {
	it("keeps two consumers together under the limit, in one schedule", async () => {
		const limiter = sharedLimiter(env.STRIPE_RATE_LIMITER);
		const bucket = await bucketName("sk_test_two_consumers", "test");
		const a: number[] = [];
		const b: number[] = [];
		const started = Date.now();
		await Promise.all([run(consumer(limiter, bucket, a), 30, 6), run(consumer(limiter, bucket, b), 30, 6)]);
		const elapsed = Date.now() - started;

		expect(a).toHaveLength(30);
		expect(b).toHaveLength(30);
		expect(busiestSecond([...a, ...b])).toBeLessThanOrEqual(STRIPE_LIMIT.perSecond);
		// One schedule for both: 60 calls spaced by the shared pace, not 30 by each consumer's own.
		const spacing = Math.ceil(1000 / SHARED_PACE.test);
		expect(elapsed).toBeGreaterThanOrEqual(59 * spacing - 50);
	});

	it("paces file uploads on their own bucket, shared as well", async () => {
		const limiter = sharedLimiter(env.STRIPE_RATE_LIMITER);
		const bucket = await bucketName("sk_test_two_uploaders", "test");
		const a: number[] = [];
		const b: number[] = [];
		await Promise.all([
			run(consumer(limiter, bucket, a), 15, 4, "/v1/files"),
			run(consumer(limiter, bucket, b), 15, 4, "/v1/files"),
		]);
		expect(busiestSecond([...a, ...b])).toBeLessThanOrEqual(STRIPE_LIMIT.filesPerSecond);
	});

	it("is what keeps them under it: two isolate pacers alone exceed the limit together", async () => {
		const a: number[] = [];
		const b: number[] = [];
		await Promise.all([run(consumer(undefined, "", a), 30, 6), run(consumer(undefined, "", b), 30, 6)]);
		expect(busiestSecond([...a, ...b])).toBeGreaterThan(STRIPE_LIMIT.perSecond);
	});

	it("gives each account and mode its own bucket", async () => {
		const test = await bucketName("sk_test_x", "test");
		expect(test).toMatch(/^stripe:test:[0-9a-f]{24}$/);
		expect(test).not.toContain("sk_test_x");
		expect(await bucketName("sk_test_y", "test")).not.toBe(test);
		const limiter = sharedLimiter(env.STRIPE_RATE_LIMITER)!;
		// A fresh bucket grants at once although another bucket is busy.
		const busy = await bucketName("sk_test_busy", "test");
		await Promise.all(Array.from({ length: 20 }, () => limiter.reserve(busy, "test", false)));
		expect(await limiter.reserve(await bucketName("sk_live_other", "live"), "live", false)).toBe(0);
	});

	it("falls back to the isolate's own pacer when the object cannot be reached", async () => {
		const unreachable: SharedLimiter = { reserve: async () => Promise.reject(new Error("object unreachable")) };
		const released: number[] = [];
		await run(consumer(unreachable, "stripe:test:none", released), 10, 5);
		expect(released).toHaveLength(10);
		// Paced by the fallback (22/s, 46 ms apart), not let through all at once.
		expect(released.at(-1)! - released[0]!).toBeGreaterThanOrEqual(9 * Math.ceil(1000 / 22) - 20);
		expect(sharedLimiter(undefined)).toBeUndefined();
	});
});
