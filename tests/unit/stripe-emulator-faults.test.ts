import Stripe from "stripe";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type EmulatorHarness, makePdf, seedDispute, startEmulatorHarness } from "../support/stripe-emulator";

describe("fault injection", () => {
	let h: EmulatorHarness;
	beforeAll(async () => {
		h = await startEmulatorHarness();
	});
	afterAll(() => h.close());
	beforeEach(() => h.controls.reset());

	it("a 500 fails without retries, and succeeds when the SDK retries with the same idempotency key", async () => {
		const { dispute } = await seedDispute(h.controls);
		await h.controls.faults([{ method: "POST", path: "^/v1/disputes/", status: 500, count: 1 }]);
		const err = await h
			.stripe()
			.disputes.update(dispute.id, { submit: false })
			.catch((e) => e);
		expect(err).toBeInstanceOf(Stripe.errors.StripeAPIError);
		expect(err.statusCode).toBe(500);
		expect(await h.controls.updates(dispute.id)).toEqual([]);

		await h.controls.faults([{ method: "POST", path: "^/v1/disputes/", status: 500, count: 1 }]);
		const updated = await h.stripe({ maxNetworkRetries: 2 }).disputes.update(dispute.id, {
			evidence: { customer_name: "Jenny" },
			submit: false,
		});
		expect(updated.evidence.customer_name).toBe("Jenny");
		const posts = (await h.controls.requests()).filter((r) => r.method === "POST").slice(1);
		expect(posts.map((r) => [r.status, r.fault])).toEqual([
			[500, "500"],
			[200, null],
		]);
		expect(posts[0]!.idempotency_key).toBeTruthy();
		expect(posts[1]!.idempotency_key).toBe(posts[0]!.idempotency_key);
		expect(await h.controls.updates(dispute.id)).toHaveLength(1);
	});

	it("502 and 503 are api errors, limited to matching method and path", async () => {
		const { dispute } = await seedDispute(h.controls);
		await h.controls.faults([
			{ method: "GET", path: "^/v1/charges", status: 502 },
			{ method: "GET", path: "^/v1/disputes$", status: 503, count: 1 },
		]);
		const stripe = h.stripe();
		await expect(stripe.charges.list()).rejects.toMatchObject({ statusCode: 502 });
		await expect(stripe.disputes.list()).rejects.toMatchObject({ statusCode: 503 });
		await expect(stripe.disputes.list()).resolves.toMatchObject({ object: "list" });
		await expect(stripe.disputes.retrieve(dispute.id)).resolves.toMatchObject({ id: dispute.id });
		await h.controls.clearFaults();
		await expect(stripe.charges.list()).resolves.toMatchObject({ object: "list" });
	});

	it("a 429 fault asks for a retry with Stripe-Should-Retry, which the SDK honours", async () => {
		await h.controls.faults([{ path: "^/v1/disputes$", status: 429, count: 1 }]);
		const raw = await h.api("/v1/disputes");
		expect(raw.status).toBe(429);
		expect(raw.headers.get("stripe-should-retry")).toBe("true");
		expect((await raw.json()).error.code).toBe("rate_limit");

		await h.controls.faults([{ path: "^/v1/disputes$", status: 429, count: 1 }]);
		await expect(h.stripe().disputes.list()).rejects.toBeInstanceOf(Stripe.errors.StripeRateLimitError);
		await h.controls.faults([{ path: "^/v1/disputes$", status: 429, count: 1 }]);
		await expect(h.stripe({ maxNetworkRetries: 1 }).disputes.list()).resolves.toMatchObject({ object: "list" });
	});

	it("adds latency", async () => {
		await h.controls.faults([{ path: "^/v1/disputes$", latencyMs: 300, count: 1 }]);
		const started = performance.now();
		await h.stripe().disputes.list();
		expect(performance.now() - started).toBeGreaterThanOrEqual(290);
		const fast = performance.now();
		await h.stripe().disputes.list();
		expect(performance.now() - fast).toBeLessThan(250);
	});

	it("drops the connection without answering", async () => {
		await h.controls.faults([{ path: "^/v1/disputes$", drop: true, count: 5 }]);
		const err = await h
			.stripe()
			.disputes.list()
			.catch((e) => e);
		expect(err).toBeInstanceOf(Stripe.errors.StripeConnectionError);
		const log = await h.controls.requests();
		expect(log.length).toBeGreaterThanOrEqual(1);
		expect(log.every((r) => r.fault === "drop" && r.status === 0)).toBe(true);
	});

	it("a response lost after the update took effect is replayed to the SDK's retry", async () => {
		const { dispute } = await seedDispute(h.controls);
		await h.controls.faults([{ method: "POST", path: "^/v1/disputes/", drop: true, phase: "after", count: 1 }]);
		const submitted = await h
			.stripe({ maxNetworkRetries: 2 })
			.disputes.update(dispute.id, { evidence: { customer_name: "Jenny" } }, { idempotencyKey: "submit-dp" });
		expect(submitted.status).toBe("under_review");
		expect(await h.controls.updates(dispute.id)).toHaveLength(1);
		const posts = (await h.controls.requests()).filter((r) => r.method === "POST");
		expect(posts.map((r) => [r.fault, r.replayed])).toEqual([
			["drop", false],
			[null, true],
		]);
	});

	it("probability 0 never fires; probability 1 always does", async () => {
		await h.controls.faults([{ path: "^/v1/disputes$", status: 500, probability: 0 }]);
		for (let i = 0; i < 5; i++) await h.stripe().disputes.list();
		await h.controls.clearFaults();
		await h.controls.faults([{ path: "^/v1/disputes$", status: 500, probability: 1, count: 2 }]);
		await expect(h.stripe().disputes.list()).rejects.toMatchObject({ statusCode: 500 });
		expect((await h.controls.stats()).faults).toBe(1);
	});
});

describe("rate limit", () => {
	let h: EmulatorHarness;
	beforeAll(async () => {
		h = await startEmulatorHarness({ rateLimit: { perSecond: 5, filesPerSecond: 2 } });
	});
	afterAll(() => h.close());
	beforeEach(() => h.controls.reset());
	afterEach(() => new Promise((r) => setTimeout(r, 1_050)));

	it("answers 429 rate_limit without Stripe-Should-Retry beyond the per-second limit", async () => {
		const results = await Promise.all(Array.from({ length: 8 }, () => h.api("/v1/disputes")));
		const statuses = results.map((r) => r.status).sort();
		expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
		const limited = results.find((r) => r.status === 429)!;
		expect(limited.headers.get("stripe-should-retry")).toBeNull();
		expect((await limited.json()).error).toMatchObject({ code: "rate_limit" });
		expect((await h.controls.stats()).rateLimited).toBe(3);
		await expect(h.stripe({ maxNetworkRetries: 2 }).disputes.list()).rejects.toBeInstanceOf(
			Stripe.errors.StripeRateLimitError,
		);
		await new Promise((r) => setTimeout(r, 1_050));
		await expect(h.stripe().disputes.list()).resolves.toMatchObject({ object: "list" });
	});

	it("limits file uploads separately", async () => {
		const pdf = await makePdf(1);
		const stripe = h.stripe();
		const results = await Promise.allSettled(
			Array.from({ length: 3 }, () =>
				stripe.files.create({
					purpose: "dispute_evidence",
					file: { data: pdf, name: "e.pdf", type: "application/pdf" },
				}),
			),
		);
		expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
		const rejected = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
		expect(rejected).toHaveLength(1);
		expect(rejected[0]!.reason).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
		await expect(stripe.disputes.list()).resolves.toMatchObject({ object: "list" });
	});
});
