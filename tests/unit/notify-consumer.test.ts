import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { consumeNotifications } from "../../functions/notify/consumer";
import type { NotifyMessage } from "../../lib/lifecycle/messages";
import { FakeMessage } from "../support/queue-message";

// The notify queue's consumer (functions/notify/consumer.ts) per message: what it acks, what it retries and when,
// posting to a real HTTP server on 127.0.0.1. deliverNotification's status classes alone are in lifecycle.test.ts.

interface Received {
	disputeId: string;
	status: number;
	headers: IncomingHttpHeaders;
	body: unknown;
}

/** What the endpoint answers for each dispute, in order of deliveries (the last answer repeats); 200 by default. */
let answers: Record<string, { status: number; headers?: Record<string, string> }[]> = {};
let received: Received[] = [];
let server: Server;
let url: string;

beforeAll(async () => {
	server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on("data", (chunk: Buffer) => chunks.push(chunk));
		req.on("end", () => {
			const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { text: string };
			const disputeId = /du_\w+/.exec(body.text)?.[0] ?? "?";
			const seen = received.filter((r) => r.disputeId === disputeId).length;
			const queue = answers[disputeId] ?? [{ status: 200 }];
			const answer = queue[Math.min(seen, queue.length - 1)]!;
			received.push({ disputeId, status: answer.status, headers: req.headers, body });
			res.writeHead(answer.status, answer.headers ?? {});
			res.end(answer.status < 300 ? "ok" : "no");
		});
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
	await new Promise((resolve) => server?.close(resolve));
});

let errors: ReturnType<typeof spyOnErrors>;
const spyOnErrors = () => vi.spyOn(console, "error").mockImplementation(() => {});
beforeEach(() => {
	answers = {};
	received = [];
	errors = spyOnErrors();
});
afterEach(() => {
	errors.mockRestore();
});

function notice(disputeId: string, kind: NotifyMessage["kind"] = "won"): NotifyMessage {
	return {
		kind,
		disputeId,
		payload: {
			text: `[rebuttal] Dispute won: ${disputeId}`,
			blocks: [{ type: "section", text: { type: "mrkdwn", text: `*Dispute won: ${disputeId}*` } }],
		},
	};
}

const env = (patch: Record<string, unknown> = {}) => ({
	NOTIFY_WEBHOOK_URL: url,
	QUEUE_RETRY_BASE_SECONDS: "30",
	...patch,
});

const deliveries = (disputeId: string) => received.filter((r) => r.disputeId === disputeId);

describe("notify queue consumer", () => {
	it("settles each message of a batch on its own: 2xx acked, 5xx and 429 retried, 404 recorded and acked", async () => {
		answers = {
			du_busy: [{ status: 503 }],
			du_limited: [{ status: 429, headers: { "retry-after": "120" } }],
			du_gone: [{ status: 404 }],
		};
		const ok = new FakeMessage(notice("du_ok"));
		const busy = new FakeMessage(notice("du_busy"));
		const limited = new FakeMessage(notice("du_limited"));
		const gone = new FakeMessage(notice("du_gone", "lost"));
		await consumeNotifications({ queue: "rebuttal-notify", messages: [ok, busy, limited, gone] }, env());

		expect(ok.outcome).toBe("acked");
		// First delivery with QUEUE_RETRY_BASE_SECONDS 30: 30 s plus at most 20 % jitter.
		expect(busy.outcome).toEqual({ retried: expect.any(Number) });
		const busyDelay = (busy.outcome as { retried: number }).retried;
		expect(busyDelay).toBeGreaterThanOrEqual(30);
		expect(busyDelay).toBeLessThanOrEqual(36);
		// The endpoint's Retry-After outweighs the shorter backoff.
		expect(limited.outcome).toEqual({ retried: 120 });
		expect(gone.outcome).toBe("acked");

		// One POST per message, each carrying its own payload as JSON.
		for (const id of ["du_ok", "du_busy", "du_limited", "du_gone"]) expect(deliveries(id)).toHaveLength(1);
		expect(deliveries("du_ok")[0]).toMatchObject({
			body: notice("du_ok").payload,
			headers: { "content-type": "application/json", "user-agent": "rebuttal-notify" },
		});
		// Only the 404 is a permanent failure, and it is recorded naming the notice and the dispute.
		const logged = errors.mock.calls.map((call) => String(call[0]));
		expect(logged).toEqual([expect.stringMatching(/^notification lost for du_gone not delivered: .*404/)]);
	});

	it("delivers a notice retried after a 5xx exactly once, with a growing backoff", async () => {
		answers = { du_flaky: [{ status: 502 }, { status: 500 }, { status: 200 }] };
		const outcomes: FakeMessage["outcome"][] = [];
		for (const attempts of [1, 2, 3]) {
			const message = new FakeMessage(notice("du_flaky"), attempts);
			await consumeNotifications({ queue: "rebuttal-notify", messages: [message] }, env());
			outcomes.push(message.outcome);
		}
		const [first, second, third] = outcomes as [{ retried: number }, { retried: number }, "acked"];
		expect(first.retried).toBeGreaterThanOrEqual(30);
		expect(first.retried).toBeLessThanOrEqual(36);
		expect(second.retried).toBeGreaterThanOrEqual(60);
		expect(second.retried).toBeLessThanOrEqual(72);
		expect(third).toBe("acked");
		expect(deliveries("du_flaky").map((r) => r.status)).toEqual([502, 500, 200]);
		expect(errors).not.toHaveBeenCalled();
	});

	it("retries when the endpoint does not answer at all", async () => {
		const closed = createServer();
		await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
		const port = (closed.address() as AddressInfo).port;
		await new Promise((resolve) => closed.close(resolve));

		const message = new FakeMessage(notice("du_down"));
		await consumeNotifications(
			{ queue: "rebuttal-notify", messages: [message] },
			env({ NOTIFY_WEBHOOK_URL: `http://127.0.0.1:${port}/hook` }),
		);
		expect(message.outcome).toEqual({ retried: expect.any(Number) });
		expect(errors).not.toHaveBeenCalled();
	});

	it("acks without posting when NOTIFY_WEBHOOK_URL was unset after the notice was enqueued", async () => {
		const message = new FakeMessage(notice("du_off"));
		await consumeNotifications({ queue: "rebuttal-notify", messages: [message] }, env({ NOTIFY_WEBHOOK_URL: "" }));
		expect(message.outcome).toBe("acked");
		expect(received).toHaveLength(0);
	});

	it("records and acks a malformed message without posting it", async () => {
		const message = new FakeMessage({ kind: "won", disputeId: "not-a-dispute", payload: { text: "x" } });
		const good = new FakeMessage(notice("du_fine"));
		await consumeNotifications({ queue: "rebuttal-notify", messages: [message, good] }, env());
		expect(message.outcome).toBe("acked");
		expect(good.outcome).toBe("acked");
		expect(received.map((r) => r.disputeId)).toEqual(["du_fine"]);
		expect(errors.mock.calls.map((call) => String(call[0]))).toEqual([
			expect.stringMatching(/^notification \? for \? not delivered: .*malformed message/),
		]);
	});

	it("acks and logs what reaches the dead-letter queue, posting nothing", async () => {
		const message = new FakeMessage(notice("du_dead"), 6);
		await consumeNotifications({ queue: "rebuttal-notify-dlq", messages: [message] }, env());
		expect(message.outcome).toBe("acked");
		expect(received).toHaveLength(0);
		expect(String(errors.mock.calls[0]?.[0])).toBe("notification dropped after 6 deliveries");
		expect(String(errors.mock.calls[0]?.[1])).toContain("du_dead");
	});
});
