import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import worker from "../../functions/index";
import { signPayload, disputeEvent as validEvent } from "../support/stripe-webhook";

// Property-based fuzzing of the two doors anyone on the internet can knock on, inside workerd:
// - POST /webhooks/stripe with thousands of mutated bodies, headers and signatures: every one rejected with a 4xx,
//   nothing enqueued, no crash, no secret echoed;
// - the operator API (ids, query parameters, methods, tokens): a 4xx for every malformed input, never a 500.
// FUZZ_RUNS scales the run counts (default 1).

const SCALE = Number(process.env.FUZZ_RUNS ?? 1);
const SECRET = env.STRIPE_WEBHOOK_SECRET!;
const TOKEN = env.DASHBOARD_TOKEN!;

function sign(payload: string, options: { secret?: string; timestamp?: number } = {}) {
	return signPayload(payload, options.secret ?? SECRET, options.timestamp);
}

/** Calls the whole Worker (every route, every middleware) with a queue that records what it is sent. */
async function callWorker(request: Request, overrides: Partial<Env> = {}) {
	const sent: unknown[] = [];
	const recording = {
		send: async (message: unknown) => {
			sent.push(message);
		},
		sendBatch: async (messages: unknown[]) => {
			sent.push(...messages);
		},
	} as unknown as Queue;
	const ctx = createExecutionContext();
	const response = await worker.fetch!(
		request as Request<unknown, IncomingRequestCfProperties>,
		{ ...env, ASSEMBLE_QUEUE: recording, SUBMIT_QUEUE: recording, NOTIFY_QUEUE: recording, ...overrides },
		ctx,
	);
	await waitOnExecutionContext(ctx);
	return { response, sent };
}

function webhook(body: string | Uint8Array, headers: Record<string, string>) {
	return new Request("https://rebuttal.test/webhooks/stripe", { method: "POST", body, headers });
}

async function expectRejected(response: Response, sent: unknown[]) {
	const text = await response.text();
	expect(response.status, text).toBeGreaterThanOrEqual(400);
	expect(response.status, text).toBeLessThan(500);
	expect(sent).toEqual([]);
	expect(text).not.toContain(SECRET);
	expect(text).not.toMatch(/\bat .*\.(ts|js):\d+/);
}

/** Mutations of a correctly signed delivery that must all fail verification ("none" is the control). */
const signatureMutation = fc.oneof(
	fc.constantFrom(
		"none",
		"absent",
		"empty",
		"wrong-secret",
		"stale",
		"future",
		"v0-only",
		"flip-signature-char",
		"drop-timestamp",
	),
	fc.string({ maxLength: 200 }).map((s) => `garbage:${s.replace(/[\r\n\0]/g, "")}`),
);

describe("webhook fuzzing: nothing unverified gets in", () => {
	it("rejects arbitrary bodies with arbitrary signature headers (4xx, nothing enqueued)", async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.oneof(fc.string({ maxLength: 400 }), fc.json({ maxDepth: 4 }), fc.uint8Array({ maxLength: 400 })),
				fc.option(fc.string({ maxLength: 300 }), { nil: undefined }),
				fc.option(fc.constantFrom("application/json", "text/plain", "multipart/form-data", ""), {
					nil: undefined,
				}),
				async (body, signature, contentType) => {
					const headers: Record<string, string> = {};
					if (signature !== undefined) headers["stripe-signature"] = signature.replace(/[\r\n\0]/g, "");
					if (contentType !== undefined) headers["content-type"] = contentType;
					const { response, sent } = await callWorker(webhook(body, headers));
					await expectRejected(response, sent);
				},
			),
			{ numRuns: 1000 * SCALE },
		);
	});

	it("rejects signed events whose body or signature was mutated", async () => {
		await fc.assert(
			fc.asyncProperty(
				signatureMutation,
				fc.oneof(
					fc.constant<"none">("none"),
					fc.record({ at: fc.nat(), insert: fc.string({ minLength: 1, maxLength: 8 }) }),
					fc.record({ at: fc.nat(), remove: fc.integer({ min: 1, max: 8 }) }),
				),
				async (mutation, bodyChange) => {
					const original = JSON.stringify(validEvent());
					const now = Math.floor(Date.now() / 1000);
					let body = original;
					if (bodyChange !== "none") {
						const at = bodyChange.at % original.length;
						body =
							"insert" in bodyChange
								? original.slice(0, at) + bodyChange.insert + original.slice(at)
								: original.slice(0, at) + original.slice(at + bodyChange.remove);
					}
					let signature: string | undefined;
					switch (mutation) {
						case "none":
							// Signed over the original: valid only when the body was left alone.
							signature = await sign(original);
							break;
						case "absent":
							signature = undefined;
							break;
						case "empty":
							signature = "";
							break;
						case "wrong-secret":
							signature = await sign(body, { secret: "whsec_not_the_right_secret" });
							break;
						case "stale":
							signature = await sign(body, { timestamp: now - 301 - (body.length % 10_000) });
							break;
						case "future":
							signature = await sign(body, { timestamp: now + 301 + (body.length % 10_000) });
							break;
						case "v0-only":
							signature = (await sign(body)).replace("v1=", "v0=");
							break;
						case "flip-signature-char": {
							const s = await sign(body);
							const i = s.length - 1 - (body.length % 40);
							signature = s.slice(0, i) + (s[i] === "a" ? "b" : "a") + s.slice(i + 1);
							break;
						}
						case "drop-timestamp":
							signature = (await sign(body)).replace(/t=\d+,?/, "");
							break;
						default:
							signature = mutation;
					}
					const headers: Record<string, string> = { "content-type": "application/json" };
					if (signature !== undefined) headers["stripe-signature"] = signature;
					const { response, sent } = await callWorker(webhook(body, headers));
					if (mutation === "none" && body === original) {
						// The control: the unmutated delivery is accepted and enqueues one message.
						expect(response.status).toBe(200);
						expect(sent).toHaveLength(1);
						return;
					}
					await expectRejected(response, sent);
				},
			),
			{ numRuns: 1500 * SCALE },
		);
	});

	it("rejects correctly signed deliveries whose JSON is not an event it can use (4xx, nothing enqueued)", async () => {
		const notAnEvent = fc.oneof(
			fc.string({ maxLength: 200 }).filter((s) => {
				try {
					JSON.parse(s);
					return false;
				} catch {
					return true;
				}
			}),
			fc.constantFrom("[]", "0", '""', "true", "{}", '{"id":null}', '{"id":"evt_1","type":7}'),
			fc
				.record({
					id: fc.oneof(fc.constant(undefined), fc.constant(""), fc.integer(), fc.constant(null)),
					type: fc.constantFrom(
						"charge.dispute.created",
						"charge.dispute.updated",
						"radar.early_fraud_warning.created",
					),
				})
				.map((e) => JSON.stringify({ ...validEvent(), ...e })),
			fc
				.constantFrom(undefined, null, 5, "", {}, { id: 7 }, { id: "" })
				.map((object) => JSON.stringify({ ...validEvent(), data: { object } })),
			// A Connect event's account that is not an `acct_…` id: never processed as the platform's own event.
			fc
				.oneof(
					fc.string({ maxLength: 40 }).filter((s) => !/^acct_\w+$/.test(s)),
					fc.constantFrom("acct_", "acct_1-2", "acct_1\n", " acct_1", 0, 1, true, [], {}, ["acct_1"]),
				)
				.map((account) => JSON.stringify({ ...validEvent(), account })),
		);
		await fc.assert(
			fc.asyncProperty(notAnEvent, async (body) => {
				const { response, sent } = await callWorker(
					webhook(body, { "content-type": "application/json", "stripe-signature": await sign(body) }),
				);
				await expectRejected(response, sent);
			}),
			{ numRuns: 500 * SCALE },
		);
	});

	// Found by this fuzzer: a correctly signed body of `null` once made intake answer 500.
	it.each(["null", "7", '"evt"', "[]", "[{}]", "true"])(
		"rejects the correctly signed non-object %s with a 400",
		async (body) => {
			const { response, sent } = await callWorker(
				webhook(body, { "content-type": "application/json", "stripe-signature": await sign(body) }),
			);
			expect(sent).toEqual([]);
			expect(response.status).toBe(400);
			await expectRejected(response, sent);
		},
	);

	it("rejects other methods and odd headers on the webhook route without enqueuing", async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.constantFrom("GET", "PUT", "DELETE", "PATCH"),
				fc.dictionary(
					fc.stringMatching(/^x-[a-z]{1,10}$/),
					fc.string({ maxLength: 50 }).map((s) => s.replace(/[\r\n\0]/g, "")),
				),
				async (method, extra) => {
					const { response, sent } = await callWorker(
						new Request("https://rebuttal.test/webhooks/stripe", { method, headers: extra }),
					);
					expect(response.status).toBeGreaterThanOrEqual(400);
					expect(response.status).toBeLessThan(500);
					expect(sent).toEqual([]);
				},
			),
			{ numRuns: 200 * SCALE },
		);
	});
});

const DISPUTE_ID = /^(du|dp)_\w{1,100}$/;

describe("operator API fuzzing: malformed input is a 4xx, never a 500", () => {
	const auth = { authorization: `Bearer ${TOKEN}` };
	const hostile = fc.oneof(
		fc.string({ maxLength: 120 }),
		fc.string({ unit: "grapheme", maxLength: 40 }),
		fc.constantFrom(
			"' or 1=1 --",
			"du_1'; drop table rebuttal.disputes; --",
			"<script>alert(1)</script>",
			"../../etc/passwd",
			"du_%00",
			"du_",
			`du_${"a".repeat(101)}`,
			"%",
			"%E0%A4%A",
			"dp_ok;x",
		),
	);

	it("dispute ids that are not dispute ids answer 400 or 404 on every route", async () => {
		await fc.assert(
			fc.asyncProperty(
				hostile.filter((id) => !DISPUTE_ID.test(id)),
				fc.constantFrom(["GET", ""], ["GET", "/evidence.pdf"], ["POST", "/retry"], ["POST", "/approve"]),
				async (id, [method, suffix]) => {
					const path = `/api/disputes/${encodeURIComponent(id)}${suffix}`;
					const { response, sent } = await callWorker(
						new Request(`https://rebuttal.test${path}`, { method, headers: auth }),
					);
					const text = await response.text();
					expect([400, 404, 405], `${method} ${path}: ${text}`).toContain(response.status);
					expect(sent).toEqual([]);
					expect(text).not.toContain(TOKEN);
				},
			),
			{ numRuns: 600 * SCALE },
		);
	});

	it("malformed list parameters answer 400", async () => {
		const param = fc.oneof(
			fc.record({ stage: hostile.filter((s) => !/^[a-z_]+$/.test(s)) }),
			fc.record({
				limit: fc.oneof(
					fc.integer({ max: 0 }).map(String),
					fc.integer({ min: 201 }).map(String),
					fc.constantFrom("1.5", "abc", "1e9", "-0.1", "NaN", "Infinity"),
				),
			}),
			fc.record({ cursor: hostile.filter((s) => !s.includes("|")) }),
			// The right shape, but no real instant (found by an attacker: these once reached the database as a 500).
			fc.record({
				cursor: fc
					.record({
						month: fc.integer({ min: 13, max: 99 }),
						day: fc.integer({ min: 1, max: 99 }),
						hour: fc.integer({ min: 0, max: 99 }),
					})
					.map(
						({ month, day, hour }) =>
							`2026-${month}-${String(day).padStart(2, "0")}T${String(hour).padStart(2, "0")}:00:00.000Z|du_1`,
					),
			}),
			fc.record({
				cursor: fc.constantFrom(
					"2026-13-45T00:00:00.000Z|du_1",
					"2026-02-30T10:00:00.000Z|du_1",
					"2026-04-31T00:00:00Z|dp_1",
					"2026-01-01T24:00:00Z|du_1",
					"2026-01-01T00:61:00Z|du_1",
					"0000-00-00T00:00:00Z|du_1",
					"2026-01-01T::::Z|du_1",
				),
			}),
			fc.record({ account: hostile.filter((s) => !/^acct_\w{1,100}$/.test(s)) }),
		);
		await fc.assert(
			fc.asyncProperty(param, async (query) => {
				const search = new URLSearchParams(query as Record<string, string>).toString();
				const { response } = await callWorker(
					new Request(`https://rebuttal.test/api/disputes?${search}`, { headers: auth }),
				);
				const text = await response.text();
				expect(response.status, `?${search}: ${text}`).toBe(400);
				expect(text).not.toContain(TOKEN);
			}),
			{ numRuns: 600 * SCALE },
		);
	});

	it("arbitrary tokens and paths never open the API or crash it", async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.string({ maxLength: 80 }).map((s) => s.replace(/[\r\n\0]/g, "")),
				fc.array(fc.string({ maxLength: 12 }), { maxLength: 4 }),
				async (token, segments) => {
					const path = `/api/${segments.map(encodeURIComponent).join("/")}`;
					const { response, sent } = await callWorker(
						new Request(`https://rebuttal.test${path}`, {
							method: "POST",
							headers: { authorization: `Bearer ${token}` },
						}),
					);
					if (token === TOKEN) return;
					expect([401, 404, 405], `${path}`).toContain(response.status);
					expect(sent).toEqual([]);
				},
			),
			{ numRuns: 400 * SCALE },
		);
	});

	it("login with any Origin header, well-formed or not, answers a 4xx, never a 500", async () => {
		const origin = fc.oneof(
			fc.string({ maxLength: 80 }),
			fc.webUrl(),
			fc.constantFrom("xyz", "null", "http://", "https://", "://", "file:///etc/passwd", "https://rebuttal.test"),
		);
		await fc.assert(
			fc.asyncProperty(origin, fc.integer({ min: 0, max: 255 }), async (value, n) => {
				const headers: Record<string, string> = {
					"content-type": "application/x-www-form-urlencoded",
					"cf-connecting-ip": `198.18.${n}.1`,
					origin: value.replace(/[\r\n\0]/g, ""),
				};
				const { response, sent } = await callWorker(
					new Request("https://rebuttal.test/dashboard/login", { method: "POST", headers, body: "token=wrong" }),
				);
				const text = await response.text();
				expect([400, 401, 403, 429], `Origin ${JSON.stringify(value)}: ${text.slice(0, 200)}`).toContain(
					response.status,
				);
				expect(sent).toEqual([]);
				expect(text).not.toContain(TOKEN);
			}),
			{ numRuns: 200 * SCALE },
		);
	}, 120_000);
});
