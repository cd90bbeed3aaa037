import { describe, expect, it } from "vitest";
import { z } from "zod";
import { PermanentError, RetryableError } from "../../lib/errors";
import { backoffSeconds, consumeEach, MAX_THROTTLED_REQUEUES, throttleDelaySeconds } from "../../lib/queue";
import { FakeMessage } from "../support/queue-message";

const schema = z.object({ n: z.number() });

describe("consumeEach", () => {
	it("settles every message on its own: ack, retry, record-and-ack", async () => {
		const recorded: unknown[] = [];
		const messages = [
			new FakeMessage({ n: 1 }),
			new FakeMessage({ n: 2 }),
			new FakeMessage({ n: 3 }),
			new FakeMessage({ bad: true }),
		];
		await consumeEach(
			messages,
			schema,
			async ({ n }) => {
				if (n === 2) throw new RetryableError("later", "try later");
				if (n === 3) throw new PermanentError("never", "never works");
			},
			{ baseDelaySeconds: 10, onPermanentFailure: async (error) => void recorded.push(error) },
		);
		expect(messages[0]!.outcome).toBe("acked");
		expect(messages[1]!.outcome).toEqual({ retried: expect.any(Number) });
		expect(messages[2]!.outcome).toBe("acked");
		expect(messages[3]!.outcome).toBe("acked");
		expect(recorded).toHaveLength(2);
		expect(recorded.map(String)).toEqual(
			expect.arrayContaining([expect.stringContaining("malformed message"), expect.stringContaining("never works")]),
		);
	});

	it("retries an error it cannot classify instead of acking it", async () => {
		const message = new FakeMessage({ n: 1 });
		await consumeEach([message], schema, async () => Promise.reject(new TypeError("socket closed")), {
			baseDelaySeconds: 5,
			onPermanentFailure: async () => expect.fail("an unknown error is not permanent"),
		});
		expect(message.outcome).toEqual({ retried: expect.any(Number) });
	});

	it("retries a permanent failure it could not record, so nothing is lost", async () => {
		const message = new FakeMessage({ n: 1 });
		await consumeEach([message], schema, async () => Promise.reject(new PermanentError("bad", "bad input")), {
			baseDelaySeconds: 5,
			onPermanentFailure: async () => Promise.reject(new Error("database down")),
		});
		expect(message.outcome).toEqual({ retried: expect.any(Number) });
	});

	it("still retries when recording the retry fails", async () => {
		const message = new FakeMessage({ n: 1 });
		await consumeEach([message], schema, async () => Promise.reject(new RetryableError("x", "x")), {
			baseDelaySeconds: 5,
			onPermanentFailure: async () => {},
			onRetry: async () => Promise.reject(new Error("database down")),
		});
		expect(message.outcome).toEqual({ retried: expect.any(Number) });
	});

	it("honours Retry-After when it is longer than the backoff", async () => {
		const message = new FakeMessage({ n: 1 });
		await consumeEach(
			[message],
			schema,
			async () => Promise.reject(new RetryableError("rate", "slow down", { retryAfterSeconds: 120 })),
			{ baseDelaySeconds: 1, onPermanentFailure: async () => {} },
		);
		expect(message.outcome).toEqual({ retried: 120 });
	});
});

describe("rate-limited messages", () => {
	const throttledSchema = z.object({ n: z.number(), throttled: z.number().optional() });
	const rateLimited = () => new RetryableError("stripe_rate_limited", "slow down", { throttled: true });

	it("go back on the queue as a fresh copy, counted, and the delivery is acked", async () => {
		const sent: { body: unknown; delaySeconds: number }[] = [];
		const retries: number[] = [];
		const message = new FakeMessage({ n: 7 }, 8);
		await consumeEach([message], throttledSchema, async () => Promise.reject(rateLimited()), {
			baseDelaySeconds: 10,
			onPermanentFailure: async () => expect.fail("a rate limit is not permanent"),
			onRetry: async (_e, _b, _m, delay) => void retries.push(delay),
			requeue: async (body, delaySeconds) => void sent.push({ body, delaySeconds }),
		});
		expect(message.outcome).toBe("acked");
		expect(sent).toEqual([{ body: { n: 7, throttled: 1 }, delaySeconds: expect.any(Number) }]);
		expect(sent[0]!.delaySeconds).toBeGreaterThanOrEqual(10);
		expect(sent[0]!.delaySeconds).toBeLessThanOrEqual(20);
		expect(retries).toEqual([sent[0]!.delaySeconds]);

		const again = new FakeMessage({ n: 7, throttled: 3 });
		await consumeEach([again], throttledSchema, async () => Promise.reject(rateLimited()), {
			baseDelaySeconds: 10,
			onPermanentFailure: async () => {},
			requeue: async (body, delaySeconds) => void sent.push({ body, delaySeconds }),
		});
		expect(sent[1]!.body).toEqual({ n: 7, throttled: 4 });
	});

	it("are retried as usual when the copy cannot be sent, when they were copied too often, or without requeue", async () => {
		const failing = new FakeMessage({ n: 1 });
		await consumeEach([failing], throttledSchema, async () => Promise.reject(rateLimited()), {
			baseDelaySeconds: 5,
			onPermanentFailure: async () => {},
			requeue: async () => Promise.reject(new Error("queue unavailable")),
		});
		expect(failing.outcome).toEqual({ retried: expect.any(Number) });

		let sends = 0;
		const exhausted = new FakeMessage({ n: 1, throttled: MAX_THROTTLED_REQUEUES });
		await consumeEach([exhausted], throttledSchema, async () => Promise.reject(rateLimited()), {
			baseDelaySeconds: 5,
			onPermanentFailure: async () => {},
			requeue: async () => void sends++,
		});
		expect(exhausted.outcome).toEqual({ retried: expect.any(Number) });
		expect(sends).toBe(0);

		const plain = new FakeMessage({ n: 1 });
		await consumeEach([plain], throttledSchema, async () => Promise.reject(rateLimited()), {
			baseDelaySeconds: 5,
			onPermanentFailure: async () => {},
		});
		expect(plain.outcome).toEqual({ retried: expect.any(Number) });
	});

	it("other transient errors still use the delivery budget", async () => {
		let sends = 0;
		const message = new FakeMessage({ n: 1 });
		await consumeEach([message], throttledSchema, async () => Promise.reject(new RetryableError("down", "5xx")), {
			baseDelaySeconds: 5,
			onPermanentFailure: async () => {},
			requeue: async () => void sends++,
		});
		expect(message.outcome).toEqual({ retried: expect.any(Number) });
		expect(sends).toBe(0);
	});

	it.each([
		[1, 10, 10, 20],
		[3, 10, 40, 80],
		[12, 10, 3600, 3600],
	])("copy %i with base %i waits between %i and %i seconds", (n, base, min, max) => {
		for (let i = 0; i < 20; i++) {
			const delay = throttleDelaySeconds(n, base);
			expect(delay).toBeGreaterThanOrEqual(min);
			expect(delay).toBeLessThanOrEqual(max);
		}
		expect(throttleDelaySeconds(1, 1, 90)).toBe(90);
	});
});

describe("backoffSeconds", () => {
	it.each([
		[1, 10, 10, 12],
		[2, 10, 20, 24],
		[4, 10, 80, 96],
		[20, 10, 3600, 3600],
	])("attempt %i with base %i waits between %i and %i seconds", (attempts, base, min, max) => {
		for (let i = 0; i < 20; i++) {
			const delay = backoffSeconds(attempts, base);
			expect(delay).toBeGreaterThanOrEqual(min);
			expect(delay).toBeLessThanOrEqual(max);
		}
	});
});
