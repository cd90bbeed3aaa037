import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../functions/index";
import { intakeApp } from "../../functions/intake/app";
import { disputeEvent, signPayload } from "../support/stripe-webhook";

const SECRET = env.STRIPE_WEBHOOK_SECRET!;

function sign(payload: string, options: { secret?: string; timestamp?: number } = {}) {
	return signPayload(payload, options.secret ?? SECRET, options.timestamp);
}

/** Calls intake with the real queue binding, recording what it sends (or failing the send when asked to). */
async function deliver(body: string, headers: Record<string, string>, queue: { fail?: boolean } = {}) {
	const sent: unknown[] = [];
	const recordingQueue = {
		send: async (message: unknown) => {
			if (queue.fail) throw new Error("queue unavailable");
			sent.push(message);
			return env.ASSEMBLE_QUEUE.send(message);
		},
	};
	const ctx = createExecutionContext();
	const response = await intakeApp.fetch(
		new Request("https://rebuttal.test/webhooks/stripe", { method: "POST", body, headers }),
		{ ...env, ASSEMBLE_QUEUE: recordingQueue as unknown as Queue },
		ctx,
	);
	await waitOnExecutionContext(ctx);
	return { response, sent };
}

describe("POST /webhooks/stripe accepts verified events", () => {
	it("enqueues one small message for a dispute event and answers 200", async () => {
		const payload = JSON.stringify(disputeEvent());
		const { response, sent } = await deliver(payload, { "stripe-signature": await sign(payload) });
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({ received: true });
		expect(sent).toEqual([
			{
				kind: "event",
				eventId: "evt_1NG8Du2eZvKYlo2CUI79vXWy",
				type: "charge.dispute.created",
				objectId: "du_1MtJUT2eZvKYlo2CNaw2HvEv",
				stripeAccount: null,
				created: expect.any(Number),
			},
		]);
	});

	it("carries the connected account of a Connect event", async () => {
		const payload = JSON.stringify(disputeEvent({ account: "acct_1Nv0FGQ9RKHgCVdK" }));
		const { response, sent } = await deliver(payload, { "stripe-signature": await sign(payload) });
		expect(response.status).toBe(200);
		expect(sent).toMatchObject([{ stripeAccount: "acct_1Nv0FGQ9RKHgCVdK" }]);
	});

	it("accepts a signature dated a little ahead (clock skew within the 300 s tolerance)", async () => {
		const payload = JSON.stringify(disputeEvent());
		const timestamp = Math.floor(Date.now() / 1000) + 240;
		const { response, sent } = await deliver(payload, { "stripe-signature": await sign(payload, { timestamp }) });
		expect(response.status).toBe(200);
		expect(sent).toHaveLength(1);
	});

	it.each([
		"charge.dispute.updated",
		"charge.dispute.closed",
		"charge.dispute.funds_withdrawn",
		"charge.dispute.funds_reinstated",
		"radar.early_fraud_warning.created",
	])("handles %s", async (type) => {
		const payload = JSON.stringify(disputeEvent({ type }));
		const { response, sent } = await deliver(payload, { "stripe-signature": await sign(payload) });
		expect(response.status).toBe(200);
		expect(sent).toMatchObject([{ type }]);
	});

	it("answers 200 to a duplicate delivery too (deduplication happens downstream)", async () => {
		const payload = JSON.stringify(disputeEvent());
		const first = await deliver(payload, { "stripe-signature": await sign(payload) });
		const second = await deliver(payload, { "stripe-signature": await sign(payload) });
		expect([first.response.status, second.response.status]).toEqual([200, 200]);
	});

	it("answers 200 and enqueues nothing for a verified event type it ignores", async () => {
		const payload = JSON.stringify(disputeEvent({ type: "customer.created", data: { object: { id: "cus_1" } } }));
		const { response, sent } = await deliver(payload, { "stripe-signature": await sign(payload) });
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({ received: true, ignored: true });
		expect(sent).toEqual([]);
	});

	it("answers 500 when the event cannot be queued, so Stripe delivers it again", async () => {
		const payload = JSON.stringify(disputeEvent());
		const { response } = await deliver(payload, { "stripe-signature": await sign(payload) }, { fail: true });
		expect(response.status).toBe(500);
		expect(JSON.stringify(await response.json())).not.toContain("queue unavailable");
	});
});

describe("POST /webhooks/stripe rejects bad requests before anything else happens", () => {
	const valid = JSON.stringify(disputeEvent());
	const cases: [string, () => Promise<{ body: string; headers: Record<string, string> }>, number][] = [
		["no signature header", async () => ({ body: valid, headers: {} }), 400],
		["an empty signature header", async () => ({ body: valid, headers: { "stripe-signature": "" } }), 400],
		["a garbage signature header", async () => ({ body: valid, headers: { "stripe-signature": "nonsense" } }), 400],
		[
			"a signature made with another secret",
			async () => ({ body: valid, headers: { "stripe-signature": await sign(valid, { secret: "whsec_other" }) } }),
			400,
		],
		[
			"a stale signature (over 300 s old)",
			async () => ({
				body: valid,
				headers: { "stripe-signature": await sign(valid, { timestamp: Math.floor(Date.now() / 1000) - 301 }) },
			}),
			400,
		],
		[
			"a signature dated over 300 s in the future",
			async () => ({
				body: valid,
				headers: { "stripe-signature": await sign(valid, { timestamp: Math.floor(Date.now() / 1000) + 301 }) },
			}),
			400,
		],
		[
			"a signature dated years in the future",
			async () => ({
				body: valid,
				headers: { "stripe-signature": await sign(valid, { timestamp: 4_102_444_800 }) },
			}),
			400,
		],
		...[
			"",
			"acct_",
			"acct_1 OR 1=1",
			"ACCT_1Nv0FGQ9RKHgCVdK",
			"cus_1Nv0FGQ9RKHgCVdK",
			"acct_1Nv0FGQ9RKHgCVdK\n",
			7,
			false,
			["acct_1Nv0FGQ9RKHgCVdK"],
			{ id: "acct_1Nv0FGQ9RKHgCVdK" },
		].map((account): [string, () => Promise<{ body: string; headers: Record<string, string> }>, number] => [
			`a correctly signed Connect event whose account is ${JSON.stringify(account)}`,
			async () => {
				const body = JSON.stringify(disputeEvent({ account }));
				return { body, headers: { "stripe-signature": await sign(body) } };
			},
			400,
		]),
		[
			"a body changed after signing",
			async () => ({ body: valid.replace("1000", "9999"), headers: { "stripe-signature": await sign(valid) } }),
			400,
		],
		[
			"only a v0 signature",
			async () => ({
				body: valid,
				headers: { "stripe-signature": (await sign(valid)).replace("v1=", "v0=") },
			}),
			400,
		],
		[
			"correctly signed malformed JSON",
			async () => ({ body: "{not json", headers: { "stripe-signature": await sign("{not json") } }),
			400,
		],
		[
			"a correctly signed event without an id",
			async () => {
				const body = JSON.stringify({ ...disputeEvent(), id: undefined });
				return { body, headers: { "stripe-signature": await sign(body) } };
			},
			400,
		],
		[
			"a correctly signed dispute event without an object id",
			async () => {
				const body = JSON.stringify(disputeEvent({ data: { object: {} } }));
				return { body, headers: { "stripe-signature": await sign(body) } };
			},
			400,
		],
		[
			"a correctly signed body over 1 MiB",
			async () => {
				const body = JSON.stringify(disputeEvent({ padding: "x".repeat(1024 * 1024) }));
				return { body, headers: { "stripe-signature": await sign(body) } };
			},
			413,
		],
	];

	it.each(cases)("%s", async (_name, build, status) => {
		const { body, headers } = await build();
		const { response, sent } = await deliver(body, headers);
		expect(response.status).toBe(status);
		expect(sent).toEqual([]);
		const json = (await response.json()) as { error: { code: string } };
		expect(json.error.code).toBeTypeOf("string");
	});

	it("answers 503 without echoing anything when the webhook secret is not configured", async () => {
		const ctx = createExecutionContext();
		const response = await intakeApp.fetch(
			new Request("https://rebuttal.test/webhooks/stripe", {
				method: "POST",
				body: valid,
				headers: { "stripe-signature": await sign(valid) },
			}),
			{ ...env, STRIPE_WEBHOOK_SECRET: "not-a-secret-shape" },
			ctx,
		);
		expect(response.status).toBe(503);
		expect(await response.text()).not.toContain("not-a-secret-shape");
	});
});

describe("the composed Worker", () => {
	it("answers GET /health", async () => {
		const ctx = createExecutionContext();
		const response = await worker.fetch(new Request("https://rebuttal.test/health"), env, ctx);
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({ ok: true });
	});

	it("answers unknown routes with a JSON 404", async () => {
		const ctx = createExecutionContext();
		const response = await worker.fetch(new Request("https://rebuttal.test/nope"), env, ctx);
		expect(response.status).toBe(404);
		expect(await response.json()).toMatchObject({ error: { code: "not_found" } });
	});
});

describe("POST /webhooks/stripe reads the raw body as sent", () => {
	it("accepts a header with several v1 signatures when one matches (a secret being rolled)", async () => {
		const payload = JSON.stringify(disputeEvent());
		const good = await sign(payload);
		const old = await sign(payload, { secret: "whsec_the_previous_secret" });
		const header = `${old},${good.split(",").find((p) => p.startsWith("v1="))}`;
		const { response, sent } = await deliver(payload, { "stripe-signature": header });
		expect(response.status).toBe(200);
		expect(sent).toHaveLength(1);
	});

	it("refuses a chunked body over 1 MiB (no Content-Length) with a 413, reading no further", async () => {
		const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
		let pulled = 0;
		const body = new ReadableStream<Uint8Array>({
			pull(controller) {
				pulled++;
				if (pulled > 40) controller.close();
				else controller.enqueue(chunk);
			},
		});
		const ctx = createExecutionContext();
		const response = await intakeApp.fetch(
			new Request("https://rebuttal.test/webhooks/stripe", {
				method: "POST",
				body,
				headers: { "stripe-signature": "t=1,v1=00" },
			}),
			env,
			ctx,
		);
		expect(response.status).toBe(413);
		expect(pulled).toBeLessThan(40);
	});

	it("accepts a chunked body under the limit, signed over its bytes", async () => {
		const payload = JSON.stringify(disputeEvent({ note: "é ü 中文" }));
		const bytes = new TextEncoder().encode(payload);
		const body = new ReadableStream<Uint8Array>({
			start(controller) {
				controller.enqueue(bytes.subarray(0, 100));
				controller.enqueue(bytes.subarray(100));
				controller.close();
			},
		});
		const ctx = createExecutionContext();
		const response = await intakeApp.fetch(
			new Request("https://rebuttal.test/webhooks/stripe", {
				method: "POST",
				body,
				headers: { "stripe-signature": await sign(payload) },
			}),
			env,
			ctx,
		);
		await waitOnExecutionContext(ctx);
		expect(response.status).toBe(200);
	});

	it("rejects a correctly signed body that is not UTF-8 with a 400", async () => {
		// The signer signs the string; the bytes sent are Latin-1, so the HMAC is computed here over those bytes.
		const bytes = new Uint8Array([0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]);
		const timestamp = Math.floor(Date.now() / 1000);
		const key = await crypto.subtle.importKey(
			"raw",
			new TextEncoder().encode(SECRET),
			{ name: "HMAC", hash: "SHA-256" },
			false,
			["sign"],
		);
		const prefix = new TextEncoder().encode(`${timestamp}.`);
		const signed = new Uint8Array([...prefix, ...bytes]);
		const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, signed));
		const hex = Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
		const ctx = createExecutionContext();
		const response = await intakeApp.fetch(
			new Request("https://rebuttal.test/webhooks/stripe", {
				method: "POST",
				body: bytes,
				headers: { "stripe-signature": `t=${timestamp},v1=${hex}` },
			}),
			env,
			ctx,
		);
		expect(response.status).toBe(400);
		expect(await response.json()).toMatchObject({ error: { message: "body is not a valid JSON event" } });
	});
});
