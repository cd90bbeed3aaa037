import { describe, expect, it } from "vitest";
import { type Clock, keyMode, PACE, Pacer, pacedFetch, pacersFor, RATE_LIMITED_RESENDS } from "../../lib/stripe/pacing";
import { RESERVE_TIMEOUT_MS, sharedGate } from "../../lib/stripe/shared-pacing";
import { startEmulatorHarness } from "../support/stripe-emulator";

/** A clock that only moves when someone sleeps, recording every call's start time. */
function fakeClock(): Clock & { time: number } {
	const clock = {
		time: 0,
		now: () => clock.time,
		sleep: async (ms: number) => {
			clock.time = Math.max(clock.time, clock.time + ms);
		},
	};
	return clock;
}

describe("Pacer", () => {
	it("lets the first call through at once and spaces the rest 1/perSecond apart", async () => {
		const clock = fakeClock();
		const pacer = new Pacer(20, clock);
		const waits: number[] = [];
		for (let i = 0; i < 5; i++) {
			const before = clock.time;
			await pacer.take();
			waits.push(clock.time - before);
		}
		expect(waits).toEqual([0, 50, 50, 50, 50]);
	});

	it("never admits more than perSecond calls in any one-second window, however many call at once", async () => {
		const starts: number[] = [];
		const frozen: Clock = { now: () => 0, sleep: async (ms) => void starts.push(ms) };
		const pacer = new Pacer(PACE.test, frozen);
		await Promise.all(Array.from({ length: 100 }, () => pacer.take()));
		const all = [0, ...starts].sort((a, b) => a - b);
		expect(all).toHaveLength(100);
		for (const start of all) {
			expect(all.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(PACE.test);
		}
	});

	it("picks the pace from the key's mode", () => {
		expect(keyMode("sk_live_abc")).toBe("live");
		expect(keyMode("rk_live_abc")).toBe("live");
		expect(keyMode("sk_test_abc")).toBe("test");
		expect(pacersFor("live").api.perSecond).toBe(90);
		expect(pacersFor("test").api.perSecond).toBe(22);
		expect(pacersFor("test")).toBe(pacersFor("test"));
	});
});

describe("pacedFetch", () => {
	it("counts a file upload against both limits and other calls against the API limit only", async () => {
		// The second upload waits for the files limit (2/s); the API pacer's next slot has long passed by then.
		const clock = fakeClock();
		const paces = { api: new Pacer(10, clock), files: new Pacer(2, clock) };
		const seen: string[] = [];
		const fetch = pacedFetch(paces, async (input) => {
			seen.push(`${clock.time} ${String(input)}`);
			return new Response("{}");
		});
		await fetch("http://127.0.0.1:1/v1/files", { method: "POST" });
		await fetch("http://127.0.0.1:1/v1/files", { method: "POST" });
		await fetch("http://127.0.0.1:1/v1/disputes/dp_1", { method: "GET" });
		expect(seen).toEqual([
			"0 http://127.0.0.1:1/v1/files",
			"500 http://127.0.0.1:1/v1/files",
			"500 http://127.0.0.1:1/v1/disputes/dp_1",
		]);
	});

	it("keeps a burst through stripe-node under the emulator's test-mode limit, with no 429", async () => {
		const h = await startEmulatorHarness({ port: 0, rateLimit: { perSecond: 25, filesPerSecond: 20 } });
		try {
			const { createStripe } = await import("../../lib/stripe/client");
			const stripe = createStripe({ STRIPE_SECRET_KEY: "sk_test_pacing", STRIPE_API_BASE: h.emulator.url });
			const results = await Promise.allSettled(Array.from({ length: 60 }, () => stripe.disputes.list({ limit: 1 })));
			expect(results.filter((r) => r.status === "rejected")).toEqual([]);
			const log = (await (await fetch(`${h.emulator.url}/_emulator/requests`)).json()) as { status: number }[];
			expect(log.filter((r) => r.status === 429)).toEqual([]);
			expect(log).toHaveLength(60);
		} finally {
			await h.close();
		}
	});

	it("sends a call Stripe answered 429 again after a fresh slot, then gives the 429 back", async () => {
		const clock = fakeClock();
		const answers = [429, 429, 200];
		const seen: number[] = [];
		const fetch = pacedFetch({ api: new Pacer(10, clock), files: new Pacer(2, clock) }, async () => {
			seen.push(clock.time);
			return new Response("{}", { status: answers.shift() ?? 429 });
		});
		const ok = await fetch("http://127.0.0.1:1/v1/disputes", { method: "POST", body: "a=1" });
		expect(ok.status).toBe(200);
		expect(seen).toEqual([0, 100, 200]);

		seen.length = 0;
		const limited = await fetch("http://127.0.0.1:1/v1/disputes", { method: "POST", body: "a=1" });
		expect(limited.status).toBe(429);
		expect(seen).toHaveLength(1 + RATE_LIMITED_RESENDS);

		// A body that cannot be read twice is not sent twice.
		seen.length = 0;
		const stream = new ReadableStream({ start: (c) => c.close() });
		const once = await fetch("http://127.0.0.1:1/v1/disputes", {
			method: "POST",
			body: stream,
			duplex: "half",
		} as RequestInit);
		expect(once.status).toBe(429);
		expect(seen).toHaveLength(1);
	});
});

describe("sharedGate", () => {
	it("waits for the slot the shared bucket grants, asking it with the bucket and the call's lane", async () => {
		const clock = fakeClock();
		const asked: string[] = [];
		const fallback = { wait: async () => void asked.push("fallback") };
		const gate = sharedGate(
			{
				reserve: async (bucket, mode, isUpload) => {
					asked.push(`${bucket} ${mode} ${isUpload}`);
					return 120;
				},
			},
			Promise.resolve("stripe:test:abc"),
			"test",
			fallback,
			clock,
		);
		await gate.wait(true);
		expect(asked).toEqual(["stripe:test:abc test true"]);
		expect(clock.time).toBe(120);
	});

	it("paces with the isolate's own gate when the bucket does not answer in time", async () => {
		let fellBack = 0;
		const gate = sharedGate({ reserve: () => new Promise<number>(() => {}) }, "stripe:test:abc", "test", {
			wait: async () => void fellBack++,
		});
		const started = Date.now();
		await gate.wait(false);
		expect(fellBack).toBe(1);
		expect(Date.now() - started).toBeGreaterThanOrEqual(RESERVE_TIMEOUT_MS - 50);
	});
});
